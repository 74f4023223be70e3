#!/usr/bin/env node
// s2sdk-ws-mock <asyncapi.yaml> [--port 4020] [--host 127.0.0.1] [--key KEY:SECRET[:ACCOUNT[:STORE,STORE]]]...
import { parseArgs } from 'node:util';
import { AsyncApiCodegenError } from '@s2sdk/asyncapi-codegen';
import { startMockServer } from './server';
import type { MockKey } from './types';

const USAGE = `Usage: s2sdk-ws-mock <asyncapi.yaml> [options]

Serves a mock of an AsyncAPI 3 request/reply WebSocket API. Prints the URL on stdout, stops on SIGINT/SIGTERM.
  --port <n>            port to listen on (default 4020; 0 picks a free port)
  --host <addr>         interface to listen on (default 127.0.0.1)
  --key <K:S[:A[:S1,S2]]>  accept API key K with secret S (account id A, store ids S1,S2); repeatable.
                        Without --key any non-empty key and secret are accepted.
  --chunks <n>          chunks sent before the final reply of streaming requests (default 3)
  --delay <ms>          delay every answer
  --auth-timeout <ms>   close with 4408 when a connection has not authenticated in time
  --no-strict           start even if examples/generated replies do not match their schemas
  --verbose             log each received frame type on stderr`;

function parseKey(spec: string): MockKey {
  const [key, secret, accountId, stores] = spec.split(':');
  if (!key || !secret) throw new Error('--key expects KEY:SECRET[:ACCOUNT_ID[:STORE_ID,STORE_ID]]');
  return { key, secret, ...(accountId ? { accountId } : {}), ...(stores ? { storeIds: stores.split(',').filter(Boolean) } : {}) };
}

function parseNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a non-negative integer`);
  return n;
}

async function main(argv: string[]): Promise<number | undefined> {
  let values;
  let positionals;
  let keys: MockKey[] | undefined;
  let port: number;
  let chunkCount: number | undefined;
  let delayMs: number | undefined;
  let authTimeoutMs: number | undefined;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        key: { type: 'string', multiple: true },
        chunks: { type: 'string' },
        delay: { type: 'string' },
        'auth-timeout': { type: 'string' },
        'no-strict': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new Error('expected one AsyncAPI document');
    keys = values.key?.map(parseKey);
    port = parseNumber('port', values.port) ?? 4020;
    chunkCount = parseNumber('chunks', values.chunks);
    delayMs = parseNumber('delay', values.delay);
    authTimeoutMs = parseNumber('auth-timeout', values['auth-timeout']);
  } catch (err) {
    process.stderr.write(`s2sdk-ws-mock: ${(err as Error).message}\n\n${USAGE}\n`);
    return 1;
  }

  let server;
  try {
    server = await startMockServer({
      spec: positionals[0]!,
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(keys ? { keys } : {}),
      ...(chunkCount !== undefined ? { chunkCount } : {}),
      ...(authTimeoutMs !== undefined ? { authTimeoutMs } : {}),
      ...(delayMs ? { faults: { delayMs } } : {}),
      strict: !values['no-strict'],
    });
  } catch (err) {
    const message = err instanceof AsyncApiCodegenError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`s2sdk-ws-mock: ${message}\n`);
    return 1;
  }
  if (values.verbose) {
    server.on('frame', (f: { connection: number; frame?: { type: string }; raw: string }) => {
      process.stderr.write(`s2sdk-ws-mock: #${f.connection} ← ${f.frame ? f.frame.type : `(not an envelope, ${f.raw.length} chars)`}\n`);
    });
  }
  // Signal handlers first: whoever reads the URL may stop the server right away.
  const stop = (signal: string) => {
    process.stderr.write(`s2sdk-ws-mock: ${signal}, closing\n`);
    // Exit by draining the event loop (the server leaves no handles); the unref'd timer is a fallback.
    const exit = (code: number) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 2000).unref();
    };
    server.close().then(
      () => exit(0),
      (err: unknown) => {
        process.stderr.write(`s2sdk-ws-mock: close failed: ${String(err)}\n`);
        exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(
    `s2sdk-ws-mock: serving ${server.model.title} ${server.model.version} (${server.model.operations.length} operations${keys ? `, ${keys.length} key(s)` : ', any key accepted'}); Ctrl-C to stop\n`,
  );

  return undefined;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`s2sdk-ws-mock: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
