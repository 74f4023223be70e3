// Runs the s2sdk bin (from source, via tsx) against @s2sdk/sandbox on loopback.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@s2sdk/testkit';
import { startSandbox, type Sandbox } from '@s2sdk/sandbox';
import { runCli, tokenFile } from '../src/index.js';

const SESSION = 'cli-session-token';
const BIN = join(repoRoot, 'packages/cli/src/cli.ts');
let sandbox: Sandbox;
let dir: string;
let env: NodeJS.ProcessEnv;

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: repoRoot, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
  dir = mkdtempSync(join(tmpdir(), 's2sdk-cli-'));
  env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), S2SDK_BASE_URL: sandbox.url, S2SDK_WS_URL: sandbox.wsUrl, NO_COLOR: '1' };
}, 120_000);
afterAll(() => sandbox?.close());

describe('s2sdk against the sandbox', () => {
  it('keys create | list | expire; REST call and WS request with the new key', async () => {
    const created = await run(['keys', 'create', '--name', 'ci', '--ttl', '3600', '--json'], { S2SDK_SESSION_TOKEN: SESSION });
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: number; username: string; secret: string };
    expect(created.stderr).toBe('');
    const keyEnv = { S2SDK_API_KEY: key.username, S2SDK_API_SECRET: key.secret };
    const bodyFile = join(dir, 'store.json');
    writeFileSync(bodyFile, JSON.stringify({ type: 'grocery', name: 'CLI Mart', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' }));
    const store = await run(['call', 'createStore', '--body', `@${bodyFile}`, '--json'], keyEnv);
    expect(store.code).toBe(0);
    const id = (JSON.parse(store.stdout) as { id: number }).id;
    const viaWs = await run(['ws', 'store.get', '--payload', JSON.stringify({ store_id: id }), '--json'], keyEnv);
    expect(viaWs.code).toBe(0);
    expect(JSON.parse(viaWs.stdout)).toMatchObject({ id, name: 'CLI Mart' });
    const stream = await run(['ws', 'nitha.thread.send.stream', '--payload', '{"content":"hi there"}'], keyEnv);
    expect(stream.stdout.trim().split('\n').length).toBeGreaterThan(1);
    const list = await run(['keys', 'list', '--json'], { S2SDK_SESSION_TOKEN: SESSION });
    expect((JSON.parse(list.stdout) as { items: { id: number }[] }).items.map((k) => k.id)).toContain(key.id);
    expect(list.stdout).not.toContain(key.secret);
    expect((await run(['keys', 'expire', String(key.id)], { S2SDK_SESSION_TOKEN: SESSION })).code).toBe(0);
    const rejected = await run(['call', 'getStore', '--param', `id=${id}`], keyEnv);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('api_key_revoked');
    expect(rejected.stderr + rejected.stdout).not.toContain(key.secret);
  }, 180_000);

  it('clear errors and non-zero exits for bad input; no prompt without a terminal', async () => {
    const noToken = await run(['keys', 'list']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/stdin is not a terminal.*S2SDK_SESSION_TOKEN/);
    const unknown = await run(['call', 'getStor']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean');
    const missing = await run(['call', 'getStore'], { S2SDK_API_KEY: 'k', S2SDK_API_SECRET: 's' });
    expect(missing.stderr).toContain('--param id=');
    const badParam = await run(['call', 'getStore', '--param', 'nope=1'], { S2SDK_API_KEY: 'k', S2SDK_API_SECRET: 's' });
    expect(badParam.stderr).toContain('has no parameter "nope"');
    const badBody = await run(['call', 'createStore', '--body', '{oops'], { S2SDK_API_KEY: 'k', S2SDK_API_SECRET: 's' });
    expect(badBody.stderr).toContain('not valid JSON');
    // Bodies and payloads are checked against the spec before anything is sent: the URLs point
    // at a closed port, so reaching the network would fail with a connection error (exit 1).
    const offline = { S2SDK_API_KEY: 'k', S2SDK_API_SECRET: 's', S2SDK_BASE_URL: 'http://127.0.0.1:9/', S2SDK_WS_URL: 'ws://127.0.0.1:9/ws' };
    const invalidBody = await run(['call', 'createStore', '--body', '{"name":"","extra":1}'], offline);
    expect(invalidBody.code).toBe(2);
    expect(invalidBody.stderr).toContain('--body of createStore does not match the spec (nothing was sent)');
    expect(invalidBody.stderr).toContain('/extra: is not a known field');
    expect(invalidBody.stderr).toContain('/location_id');
    const invalidPayload = await run(['ws', 'store.get', '--payload', '{"store_id":"three"}'], offline);
    expect(invalidPayload.code).toBe(2);
    expect(invalidPayload.stderr).toContain('--payload of store.get does not match the spec');
    expect(invalidPayload.stderr).toContain('/store_id');
    const noBody = await run(['call', 'getStore', '--param', 'id=1', '--body', '{}'], offline);
    expect(noBody.stderr).toContain('getStore takes no JSON body');
    const help = await run(['call', 'updateStore', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('PUT /api/v1/s2s/accounts/stores/{id}');
    expect(help.stdout).toMatch(/id \[path, required\]/);
    const wsHelp = await run(['ws', 'order.reject', '--help']);
    expect(wsHelp.stdout).toContain('reason (required)');
    expect((await run(['frobnicate'])).code).toBe(2);
  }, 180_000);

  it('login with OTP stores the token 0600 and never prints it; token inspect masks it', async () => {
    const otpLines: string[] = [];
    const waiters: (() => void)[] = [];
    const sb = await startSandbox({ log: (l) => (otpLines.push(l), waiters.splice(0).forEach((w) => w())) });
    try {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      let out = '';
      let err = '';
      const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
      const ioEnv = { XDG_CONFIG_HOME: join(dir, 'login-config'), S2SDK_CLIENT_ID: 'sandbox-client', S2SDK_CLIENT_SECRET: 'sandbox-secret', S2SDK_PASSWORD: 'password' };
      const feed = (async () => {
        while (!otpLines.some((l) => l.includes('OTP'))) await new Promise<void>((r) => waiters.push(r));
        stdin.write(`${/(\d{6})/.exec(otpLines.find((l) => l.includes('OTP'))!)![1]}\n`);
      })();
      const code = await runCli(['login', '--base-url', sb.url, '--email', 'staff@example.com'], { stdin, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: ioEnv });
      await feed;
      expect(code).toBe(0);
      const file = tokenFile(ioEnv);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { access_token: string };
      expect(out + err).not.toContain(saved.access_token);
      let inspected = '';
      expect(await runCli(['token', 'inspect', '--json'], { stdin, stdout: sink((s) => (inspected += s)), stderr: sink(() => {}), env: ioEnv })).toBe(0);
      expect(inspected).not.toContain(saved.access_token);
      expect(JSON.parse(inspected)).toMatchObject({ email: 'staff@example.com', expired: false });
      // The stored login is the key-management session.
      let listed = '';
      expect(await runCli(['keys', 'list', '--json', '--base-url', sb.url], { stdin, stdout: sink((s) => (listed += s)), stderr: sink(() => {}), env: ioEnv })).toBe(0);
      expect(JSON.parse(listed)).toEqual({ items: [] });
    } finally {
      await sb.close();
    }
  }, 180_000);
});
