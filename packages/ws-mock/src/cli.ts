#!/usr/bin/env node
// s2sdk-ws-mock <asyncapi.yaml> [--port 4020] [--host 127.0.0.1] [--key KEY:SECRET[:ACCOUNT[:STORE,STORE]]]... [--credential ROLE=PATH]...
import { parseArgs } from 'node:util';
import { AsyncApiCodegenError } from '@s2sdk/asyncapi-codegen';
import { CREDENTIAL_ROLES, parseCredentialPath } from './credentials';
import { startMockServer } from './server';
import type { CredentialPaths, CredentialRole, MockKey } from './types';

const USAGE = `Usage: s2sdk-ws-mock <asyncapi.yaml> [options]

Serves a mock of an AsyncAPI 3 request/reply WebSocket API. Prints the URL on stdout, stops on SIGINT/SIGTERM.
  --port <n>            port to listen on (default 4020; 0 picks a free port)
  --host <addr>         interface to listen on (default 127.0.0.1)
  --key <K:S[:A[:S1,S2]]>  accept API key K with secret S (account id A, store ids S1,S2); repeatable.
                        Without --key any non-empty key and secret are accepted.
  --credential <ROLE=PATH>  where the login request carries a credential: ROLE is key, secret or
                        scope, PATH a dot path from the frame root (e.g. key=payload.apiKey);
                        repeatable. Default: the fields marked x-s2sdk-credential in the document,
                        else key=payload.token secret=payload.metadata.secret
                        scope=payload.metadata.storeId.
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

function parseCredential(spec: string, into: CredentialPaths): void {
  const eq = spec.indexOf('=');
  const role = eq === -1 ? '' : spec.slice(0, eq);
  if (!(CREDENTIAL_ROLES as readonly string[]).includes(role)) throw new Error(`--credential expects ROLE=PATH with ROLE one of ${CREDENTIAL_ROLES.join(', ')} (e.g. key=payload.token)`);
  if (into[role as CredentialRole] !== undefined) throw new Error(`--credential ${role} is given twice`);
  into[role as CredentialRole] = parseCredentialPath(role, spec.slice(eq + 1)).join('.');
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
  let credentials: CredentialPaths | undefined;
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
        credential: { type: 'string', multiple: true },
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
    if (values.credential) {
      credentials = {};
      for (const c of values.credential) parseCredential(c, credentials);
    }
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
      ...(credentials ? { credentials } : {}),
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
  if (server.model.authType && server.credentialPaths) {
    const paths = Object.entries(server.credentialPaths)
      .filter(([, p]) => p.length)
      .map(([role, p]) => `${role}=${p.join('|')}`)
      .join(' ');
    process.stderr.write(`s2sdk-ws-mock: ${server.model.authType} credentials: ${paths}\n`);
  }

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
