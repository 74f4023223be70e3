import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTES, VAULT, connect, fixture, pkgDir, unmarkedCopy, waitFor } from './helpers';

const CLI = join(pkgDir, 'src', 'cli.ts');
/** Safety nets (not expectations): how long a started CLI may take to print its URL, and a CLI run to finish, on a loaded machine. */
const URL_WAIT_MS = 120_000;
const RUN_MS = 90_000;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.length = 0;
});

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/**
 * Runs the CLI to completion. A run that does not finish within `timeoutMs` fails with what the
 * CLI printed (the timeouts of the runs of one test stay within the describe's timeout).
 */
function runCli(args: string[], timeoutMs = RUN_MS) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: pkgDir, encoding: 'utf8', timeout: timeoutMs });
  if (res.error) throw new Error(`s2sdk-ws-mock ${args.join(' ')} did not finish within ${timeoutMs} ms (${res.error.message}); stderr: ${res.stderr}`);
  return res;
}

// Spawning node + tsx and loading a document can take a minute on a loaded machine: the per-test
// timeout (300 s) leaves room for the waits below (120 s for the URL, at most 3 CLI runs of 90 s),
// so a slow start fails with their messages rather than a bare vitest timeout.
describe('s2sdk-ws-mock CLI', { timeout: 300_000 }, () => {
  it('gives each test more time than its own waits (so they fail first, with their message)', ({ task }) => {
    expect(task.timeout).toBeGreaterThan(URL_WAIT_MS);
    expect(task.timeout).toBeGreaterThan(3 * RUN_MS);
  });

  it('prints the URL, serves the document, and exits 0 on SIGTERM', async () => {
    const cli = startCli([NOTES, '--port', '0', '--key', 'pk_cli:sk_cli:11:s-1']);
    const url = await waitFor(() => /^(ws:\/\/127\.0\.0\.1:\d+\/ws)\n/.exec(cli.out())?.[1], () => `the URL on stdout (stderr: ${cli.err()})`, URL_WAIT_MS);
    const s = await connect(url);
    expect((await s.login('pk_cli', 'wrong')).type).toBe('auth.failure');
    const ok = await connect(url);
    const reply = await ok.login('pk_cli', 'sk_cli', { storeId: 's-1' });
    expect(reply.payload.context).toEqual({ accountId: '11', storeId: 's-1' });
    expect((await ok.request('note.create', { title: 'cli' })).type).toBe('note.create.ok');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect((await ok.closed).code).toBe(1001);
    expect(cli.err()).toContain('SIGTERM, closing');
    expect(cli.out() + cli.err()).not.toContain('sk_cli');
  });

  it('also stops on SIGINT', async () => {
    const cli = startCli([NOTES, '--port', '0']);
    await waitFor(() => cli.out().includes('ws://'), () => `the URL (stderr: ${cli.err()})`, URL_WAIT_MS);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('reads the login credentials from --credential paths (a document without x-s2sdk-credential marks)', async () => {
    const copy = unmarkedCopy(VAULT);
    try {
      const cli = startCli([copy.path, '--port', '0', '--key', 'ak_cli:pp_cli:acme', '--credential', 'key=payload.apiKey', '--credential', 'secret=payload.passphrase']);
      const url = await waitFor(() => /^(ws:\/\/127\.0\.0\.1:\d+\/rpc)\n/.exec(cli.out())?.[1], () => `the URL on stdout (stderr: ${cli.err()})`, URL_WAIT_MS);
      const s = await connect(url);
      expect((await s.request('session.open', { apiKey: 'ak_cli', passphrase: 'pp_wrong' })).type).toBe('session.denied');
      const ok = await connect(url);
      expect((await ok.request('session.open', { apiKey: 'ak_cli', passphrase: 'pp_cli' })).type).toBe('session.opened');
      expect((await ok.request('item.list', {})).type).toBe('item.list.ok');
      expect(cli.err()).toContain('session.open credentials: key=payload.apiKey secret=payload.passphrase scope=payload.metadata.storeId');
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(cli.out() + cli.err()).not.toContain('pp_cli');
    } finally {
      copy.remove();
    }
  });

  it('exits 1 with usage on bad --credential values', () => {
    const badRole = runCli([VAULT, '--credential', 'password=payload.x']);
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toContain('--credential expects ROLE=PATH with ROLE one of key, secret, scope');
    const badPath = runCli([VAULT, '--credential', 'key=apiKey']);
    expect(badPath.status).toBe(1);
    expect(badPath.stderr).toContain('must start at the frame root with "payload."');
  });

  it('exits 1 with the problems for an invalid document', () => {
    const res = runCli([fixture('invalid-no-reply.yaml'), '--port', '0'], 2 * RUN_MS);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('operation "ping": a send operation has no reply');
    expect(res.stdout).toBe('');
  });

  it('exits 1 with usage on bad arguments', () => {
    const run = (args: string[]) => runCli(args);
    const none = run([]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('Usage: s2sdk-ws-mock');
    const badKey = run([NOTES, '--key', 'only-a-key']);
    expect(badKey.status).toBe(1);
    expect(badKey.stderr).toContain('--key expects KEY:SECRET');
    const badPort = run([NOTES, '--port', 'abc']);
    expect(badPort.status).toBe(1);
    expect(badPort.stderr).toContain('--port expects a non-negative integer');
  });
});
