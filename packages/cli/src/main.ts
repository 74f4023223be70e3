// s2sdk: dispatch of the sub-commands. Every failure the user can fix is a CliError with a
// clear message and a non-zero exit code; API failures print the error code and message only
// (the core errors are redacted), never credentials.
import { parseArgs } from 'node:util';
import { S2sdkError, ApiError } from '@s2sdk/core';
import { CliError, type Io } from './io.js';
import { callCommand, wsCommand } from './call.js';
import { keysCommand, loginCommand, sandboxCommand, tokenCommand } from './commands.js';

export const USAGE = `Usage: s2sdk <command> [options]

Commands:
  keys create --name N [--ttl S] | keys list | keys expire <id>
                                 API key management (Bearer session: S2SDK_SESSION_TOKEN, the
                                 token of \`s2sdk login\`, or a prompt on a terminal)
  login --email E                platform-auth login with OTP; the token is stored in the user
                                 config dir (0600) and never printed
  token inspect [--show-token]   expiry and scopes of the stored token (secrets masked)
  call <operationId> [--param k=v]... [--body @file.json]
                                 any Niyantha REST operation (S2SDK_API_KEY / S2SDK_API_SECRET)
  ws <type> [--payload @file.json]
                                 any Niyantha WebSocket request (same key; S2SDK_WS_URL)
  sandbox [--port N] [--seed F] [--state F] [--reset] [--session-token T]
                                 start the local sandbox (@s2sdk/sandbox)
Global: --json (machine-readable output), --base-url URL (or S2SDK_BASE_URL), --help.
\`s2sdk call <operationId> --help\` and \`s2sdk ws <type> --help\` describe one operation.`;

export const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  'base-url': { type: 'string' },
  'ws-url': { type: 'string' },
  param: { type: 'string', multiple: true },
  body: { type: 'string' },
  payload: { type: 'string' },
  name: { type: 'string' },
  ttl: { type: 'string' },
  email: { type: 'string' },
  'client-id': { type: 'string' },
  'show-token': { type: 'boolean' },
  port: { type: 'string' },
  seed: { type: 'string' },
  state: { type: 'string' },
  reset: { type: 'boolean' },
  'session-token': { type: 'string', multiple: true },
} as const;

export type Args = ReturnType<typeof parse>;
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });

export function print(io: Io, args: Args, value: unknown, human?: string): void {
  io.stdout.write(args.values.json ? `${JSON.stringify(value)}\n` : `${human ?? JSON.stringify(value, null, 2)}\n`);
}

/** Runs the CLI; resolves to the exit code (the sandbox command resolves when it stops). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (err) {
    io.stderr.write(`s2sdk: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = args.positionals;
  try {
    if (!command) {
      io[args.values.help ? 'stdout' : 'stderr'].write(`${USAGE}\n`);
      return args.values.help ? 0 : 2;
    }
    switch (command) {
      case 'keys':
        return await keysCommand(io, args, rest);
      case 'login':
        return await loginCommand(io, args);
      case 'token':
        return tokenCommand(io, args, rest);
      case 'call':
        return await callCommand(io, args, rest);
      case 'ws':
        return await wsCommand(io, args, rest);
      case 'sandbox':
        return await sandboxCommand(io, args);
      default:
        throw new CliError(`unknown command "${command}"; run s2sdk --help`, 2);
    }
  } catch (err) {
    return report(io, args, err);
  }
}

function report(io: Io, args: Args, err: unknown): number {
  const code = err instanceof CliError ? err.exitCode : 1;
  let message: string;
  let detail: unknown;
  if (err instanceof CliError) message = err.message;
  else if (err instanceof ApiError) {
    const body = err.body as { code?: string; message?: string; error?: string; error_description?: string } | undefined;
    message = `${err.status} ${body?.code ?? body?.error ?? ''}: ${body?.message ?? body?.error_description ?? err.message}`.trim();
    detail = err.body;
  } else if (err instanceof S2sdkError) message = err.message;
  else message = `unexpected error: ${err instanceof Error ? err.name : 'error'}`;
  if (err && typeof err === 'object' && 'code' in err && !(err instanceof CliError) && !(err instanceof ApiError)) message = `${String((err as { code: unknown }).code)}: ${message}`;
  io.stderr.write(args.values.json ? `${JSON.stringify({ error: message, ...(detail ? { body: detail } : {}) })}\n` : `s2sdk: ${message}\n`);
  return code;
}
