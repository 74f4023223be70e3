#!/usr/bin/env node
// s2sdk-sandbox [--port 4010] [--host 127.0.0.1] [--seed FILE] [--state FILE] [--reset] [--auth-timeout MS] [--session-token TOKEN]...
import { parseArgs } from 'node:util';
import { ConfigurationError } from '@s2sdk/core';
import { startSandbox } from './server.js';

const USAGE = `Usage: s2sdk-sandbox [options]

A stateful local Niyantha (REST + WebSocket /ws), Theodore and Platform auth API on one port.
Prints "sandbox listening on <url>" on stdout when ready; stops on SIGINT/SIGTERM.
  --port <n>             port (default 4010; 0 picks a free one)
  --host <addr>          interface (default 127.0.0.1)
  --seed <file>          fixture (JSON or YAML) to start from and to reset to
  --state <file>         persist the state to this file (atomic writes); loaded when it exists
  --reset                start from the seed even if --state exists
  --auth-timeout <ms>    close WebSocket sockets not logged in within <ms> of connecting with
                         4408 (default 30000, the spec's 30 s; 0 = never)
  --session-token <tok>  accept this Bearer token for key management (repeatable; or
                         S2SDK_SANDBOX_SESSION_TOKEN). Platform-auth access tokens always work.
  --help                 this text
Platform-auth OTPs are printed to stderr (the sandbox log) by design.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        state: { type: 'string' },
        reset: { type: 'boolean' },
        'auth-timeout': { type: 'string' },
        'session-token': { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`s2sdk-sandbox: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = args.port === undefined ? 4010 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`s2sdk-sandbox: --port must be 0–65535\n`);
    return 2;
  }
  const authTimeoutMs = args['auth-timeout'] === undefined ? undefined : Number(args['auth-timeout']);
  if (authTimeoutMs !== undefined && !(Number.isInteger(authTimeoutMs) && authTimeoutMs >= 0)) {
    process.stderr.write(`s2sdk-sandbox: --auth-timeout must be a whole number of milliseconds ≥ 0 (0 = never)\n`);
    return 2;
  }
  const tokens = [...(args['session-token'] ?? []), ...(process.env.S2SDK_SANDBOX_SESSION_TOKEN ? [process.env.S2SDK_SANDBOX_SESSION_TOKEN] : [])];
  try {
    const sandbox = await startSandbox({ port, host: args.host, seed: args.seed, stateFile: args.state, reset: args.reset, sessionTokens: tokens, authTimeoutMs });
    process.stdout.write(`sandbox listening on ${sandbox.url} (WebSocket ${sandbox.wsUrl})\n`);
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1;
  } catch (err) {
    const msg = err instanceof ConfigurationError ? err.message : `could not start: ${(err as Error).message}`;
    process.stderr.write(`s2sdk-sandbox: ${msg}\n`);
    return 1;
  }
}

void main().then((code) => {
  if (code >= 0) process.exitCode = code;
});
