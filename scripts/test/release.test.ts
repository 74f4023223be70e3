// Release checks on a generated fixture repository (hand-written dist files, no build):
// the exports check, size budgets, release:dry (npm pack, publint, attw) and the consumer
// check (tarballs installed in a fresh project outside the workspace, ESM + CJS imports,
// a type-checked program run against Prism on the package's spec).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM scripts without type declarations
import { checkExports, entryGzipSize, gzipSize, runtimeEntries, staticGraph } from '../release/lib.mjs';
// @ts-ignore
import { budgetFor } from '../release/size.mjs';
// @ts-ignore
import { pickRestOperation, pickWsRequest } from '../release/targets.mjs';
// @ts-ignore
import { startPrism } from '../release/prism.mjs';
// @ts-ignore
import { dereference } from '../review/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const script = (name: string) => join(here, '../release', name);
const run = (name: string, ...args: string[]) => spawnSync(process.execPath, [script(name), ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 300_000 });

const goodExports = {
  '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { types: './dist/index.d.cts', default: './dist/index.cjs' } },
  './package.json': './package.json',
};

const HELLO_DTS = `export interface HelloPaths {
  '/health': { status: 'UP' | 'DOWN' };
}
export interface HelloClient {
  readonly raw: {
    GET<P extends keyof HelloPaths>(path: P): Promise<{ data?: HelloPaths[P]; error?: string; response: Response }>;
  };
}
/** Creates a client for the Hello API. */
export declare function createHelloClient(options: { baseUrl: string }): HelloClient;
`;
const HELLO_BODY = `function createHelloClient(options) {
  const baseUrl = options.baseUrl.replace(/\\/$/, '');
  return {
    raw: {
      async GET(path) {
        const response = await fetch(baseUrl + path);
        if (!response.ok) return { error: await response.text(), response };
        return { data: await response.json(), response };
      },
    },
  };
}
`;
const HELLO_SPEC = `openapi: 3.1.0
info: { title: Hello API, version: 1.0.0 }
servers: [{ url: 'https://hello.invalid' }]
paths:
  /health:
    get:
      operationId: getHealth
      summary: Health check
      security: []
      responses:
        '200':
          description: Up.
          content:
            application/json:
              schema:
                type: object
                required: [status]
                properties:
                  status: { type: string, enum: [UP, DOWN] }
              example: { status: UP }
  /items:
    get:
      operationId: listItems
      summary: List items
      parameters:
        - { name: limit, in: query, required: true, schema: { type: integer } }
      responses:
        '200': { description: Items. }
`;

// A secured API whose only operation is a POST (like platform-auth's token revocation): the
// consumer check must call it with the request example and the package's mockOptions credentials.
const SECURE_SPEC = `openapi: 3.1.0
info: { title: Secure API, version: 1.0.0 }
servers: [{ url: 'https://secure.invalid' }]
security: [{ apiKey: [] }]
paths:
  /tokens:
    post:
      operationId: createToken
      x-idempotent: false
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [user], properties: { user: { type: string } } }
      responses:
        '200': { description: A token. }
  /tokens/revoke:
    post:
      operationId: revokeToken
      x-idempotent: true
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [token]
              additionalProperties: false
              properties:
                token: { type: string, minLength: 1 }
            examples:
              documented: { value: { token: revoke-me } }
      responses:
        '200':
          description: Revoked.
          content:
            application/json:
              schema: { type: object, required: [revoked], properties: { revoked: { type: boolean } } }
              example: { revoked: true }
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: X-Api-Key }
`;
const SECURE_DTS = `export interface SecureClient {
  readonly raw: {
    POST(path: '/tokens/revoke', init: { body: { token: string } }): Promise<{ data?: { revoked: boolean }; error?: string; response: Response }>;
    POST(path: '/tokens', init: { body: { user: string } }): Promise<{ data?: unknown; error?: string; response: Response }>;
  };
}
/** Creates a client for the Secure API (every call carries the API key). */
export declare function createSecureClient(options: { baseUrl: string; apiKey?: string }): SecureClient;
`;
const SECURE_BODY = `function createSecureClient(options) {
  const baseUrl = options.baseUrl.replace(/\\/$/, '');
  return {
    raw: {
      async POST(path, init) {
        const headers = { 'content-type': 'application/json' };
        if (options.apiKey) headers['x-api-key'] = options.apiKey;
        const response = await fetch(baseUrl + path, { method: 'POST', headers, body: JSON.stringify(init.body) });
        if (!response.ok) return { error: await response.text(), response };
        return { data: await response.json(), response };
      },
    },
  };
}
`;

// A request/reply WebSocket API (the conventions of docs/ARCHITECTURE.md, written as JSON, which is
// YAML too), its client and a mock package (found by its `ws-mock` bin) the consumer check runs it against.
const WS_SPEC = JSON.stringify(
  {
    asyncapi: '3.0.0',
    info: { title: 'Hello WS', version: '1.0.0' },
    channels: {
      ws: {
        address: '/ws',
        messages: {
          authLogin: { $ref: '#/components/messages/authLogin' },
          authSuccess: { $ref: '#/components/messages/authSuccess' },
          itemsList: { $ref: '#/components/messages/itemsList' },
          itemsListOk: { $ref: '#/components/messages/itemsListOk' },
        },
      },
    },
    operations: {
      authLogin: { action: 'send', 'x-s2sdk-auth': true, channel: { $ref: '#/channels/ws' }, messages: [{ $ref: '#/channels/ws/messages/authLogin' }], reply: { channel: { $ref: '#/channels/ws' }, messages: [{ $ref: '#/channels/ws/messages/authSuccess' }] } },
      itemsList: { action: 'send', channel: { $ref: '#/channels/ws' }, messages: [{ $ref: '#/channels/ws/messages/itemsList' }], reply: { channel: { $ref: '#/channels/ws' }, messages: [{ $ref: '#/channels/ws/messages/itemsListOk' }] } },
    },
    components: {
      messages: {
        authLogin: { name: 'auth.login', payload: { type: 'object', properties: { type: { const: 'auth.login' }, requestId: { type: 'string' }, payload: { type: 'object' } } } },
        authSuccess: { name: 'auth.success', payload: { type: 'object', properties: { type: { const: 'auth.success' }, requestId: { type: 'string' }, payload: { type: 'object' } } } },
        itemsList: {
          name: 'items.list',
          payload: { type: 'object', properties: { type: { const: 'items.list' }, requestId: { type: 'string' }, payload: { type: 'object', properties: { limit: { type: 'integer' } } } } },
          examples: [{ name: 'five', payload: { type: 'items.list', requestId: 'r-1', payload: { limit: 5 } } }],
        },
        itemsListOk: { name: 'items.list.ok', payload: { type: 'object', properties: { type: { const: 'items.list.ok' }, requestId: { type: 'string' }, payload: { type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } } } } } },
      },
    },
  },
  null,
  2,
);
const WS_CLIENT_DTS = `export interface HelloWs {
  request(type: 'items.list', payload: { limit?: number }): Promise<{ items: string[] }>;
  close(): Promise<void>;
}
/** Connects and logs in with the token. */
export declare function connectHelloWs(options: { url: string; token: string }): Promise<HelloWs>;
`;
const WS_CLIENT_BODY = `async function connectHelloWs(options) {
  const socket = new WebSocket(options.url);
  await new Promise((res, rej) => { socket.once('open', res); socket.once('error', rej); });
  const pending = new Map();
  let next = 0;
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    const p = pending.get(frame.requestId);
    if (!p) return;
    pending.delete(frame.requestId);
    if (frame.type === 'error') p.rej(new Error(frame.payload.code));
    else p.res(frame.payload);
  });
  const send = (type, payload) => new Promise((res, rej) => {
    const requestId = 'c-' + ++next;
    pending.set(requestId, { res, rej });
    socket.send(JSON.stringify({ type, requestId, payload }));
  });
  await send('auth.login', { token: options.token });
  return {
    request: (type, payload) => send(type, payload),
    close: () => new Promise((res) => { socket.once('close', res); socket.close(); }),
  };
}
`;
const WS_MOCK_DTS = `export interface MockServer {
  readonly url: string;
  close(): Promise<void>;
}
/** Serves the request/reply WebSocket API of an AsyncAPI document (JSON) on 127.0.0.1. */
export declare function startMockServer(options: { spec: string; port?: number }): Promise<MockServer>;
`;
const WS_MOCK_BODY = `async function startMockServer(options) {
  const spec = JSON.parse(readFileSync(options.spec, 'utf8'));
  const types = new Set(Object.values(spec.components.messages).map((m) => m.name));
  const server = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 });
  await new Promise((res) => server.once('listening', res));
  server.on('connection', (socket) => {
    let authed = false;
    socket.on('message', (data) => {
      const { type, requestId, payload } = JSON.parse(String(data));
      const reply = (t, p) => socket.send(JSON.stringify({ type: t, requestId, payload: p }));
      if (type === 'auth.login') {
        authed = typeof payload.token === 'string' && payload.token.length > 0;
        return authed ? reply('auth.success', {}) : reply('error', { code: 'unauthenticated' });
      }
      if (!authed) return reply('error', { code: 'unauthenticated' });
      if (!types.has(type + '.ok')) return reply('error', { code: 'unknown_type' });
      reply(type + '.ok', { items: Array.from({ length: payload.limit ?? 1 }, (_, i) => 'item-' + i) });
    });
  });
  return {
    url: 'ws://127.0.0.1:' + server.address().port + '/ws',
    close: () => new Promise((res) => { for (const c of server.clients) c.terminate(); server.close(() => res(undefined)); }),
  };
}
`;

function write(root: string, file: string, content: string | object) {
  const abs = join(root, file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

/** A well-formed package (ESM + CJS + declarations) with hand-written dist files. */
function fixturePackage(root: string, dir: string, pkg: object, esmBody: string, esmImports: string, cjsRequires: string, exportsNames: string[], dts: string) {
  write(root, `packages/${dir}/package.json`, {
    version: '0.1.0',
    license: 'MIT',
    type: 'module',
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.ts',
    exports: goodExports,
    files: ['dist'],
    ...pkg,
  });
  write(root, `packages/${dir}/dist/index.js`, `${esmImports}${esmBody}export { ${exportsNames.join(', ')} };\n`);
  write(root, `packages/${dir}/dist/index.cjs`, `'use strict';\n${cjsRequires}${esmBody}${exportsNames.map((n) => `exports.${n} = ${n};\n`).join('')}`);
  write(root, `packages/${dir}/dist/index.d.ts`, dts);
  write(root, `packages/${dir}/dist/index.d.cts`, dts);
}

/**
 * A repository with one well-formed package generated from a spec (hello) and, optionally, a
 * broken one, and the packages of the consumer check's other branches: an authenticated API
 * whose only operations are POSTs (secure) and a WebSocket API with its client and mock.
 */
function fixtureRepo(withBroken: boolean, { consumers = false } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 's2sdk-release-fixture-'));
  write(root, 'specs/hello/openapi.yaml', HELLO_SPEC);
  write(root, 'packages/hello/package.json', {
    name: '@fixture/hello',
    version: '0.1.0',
    description: 'Fixture client.',
    license: 'MIT',
    type: 'module',
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.ts',
    exports: goodExports,
    files: ['dist'],
    s2sdk: { openapi: 'specs/hello/openapi.yaml', factory: 'createHelloClient', rawClient: 'raw', mockOptions: '{ baseUrl }' },
  });
  write(root, 'packages/hello/dist/index.js', `${HELLO_BODY}export { createHelloClient };\n`);
  write(root, 'packages/hello/dist/index.cjs', `'use strict';\n${HELLO_BODY}exports.createHelloClient = createHelloClient;\n`);
  write(root, 'packages/hello/dist/index.d.ts', HELLO_DTS);
  write(root, 'packages/hello/dist/index.d.cts', HELLO_DTS);
  write(root, 'packages/private/package.json', { name: '@fixture/private', version: '0.0.0', private: true });
  if (withBroken) {
    write(root, 'packages/broken/package.json', {
      name: '@fixture/broken',
      version: '0.1.0',
      license: 'MIT',
      type: 'module',
      main: './dist/index.js',
      // "types" after "default", and the require branch has no declarations at all
      exports: { '.': { import: { default: './dist/index.js', types: './dist/index.d.ts' }, require: './dist/index.cjs' } },
      files: ['dist'],
    });
    write(root, 'packages/broken/dist/index.js', 'export const answer = 42;\n');
    write(root, 'packages/broken/dist/index.cjs', "'use strict';\nexports.answer = 42;\n");
    write(root, 'packages/broken/dist/index.d.ts', 'export declare const answer: number;\n');
  }
  if (consumers) {
    write(root, 'specs/secure/openapi.yaml', SECURE_SPEC);
    fixturePackage(
      root,
      'secure',
      { name: '@fixture/secure', description: 'Fixture client with an API key.', s2sdk: { openapi: 'specs/secure/openapi.yaml', factory: 'createSecureClient', rawClient: 'raw', mockOptions: "{ baseUrl, apiKey: 'consumer-check' }" } },
      SECURE_BODY,
      '',
      '',
      ['createSecureClient'],
      SECURE_DTS,
    );
    write(root, 'specs/hellows/asyncapi.yaml', WS_SPEC);
    const wsPeer = { peerDependencies: { ws: '^8.0.0' } };
    fixturePackage(
      root,
      'hello-ws',
      { name: '@fixture/hello-ws', description: 'Fixture WebSocket client.', ...wsPeer, s2sdk: { asyncapi: 'specs/hellows/asyncapi.yaml', factory: 'connectHelloWs', mockOptions: "{ url, token: 'consumer-check' }" } },
      WS_CLIENT_BODY,
      "import { WebSocket } from 'ws';\n",
      "const { WebSocket } = require('ws');\n",
      ['connectHelloWs'],
      WS_CLIENT_DTS,
    );
    fixturePackage(
      root,
      'hello-ws-mock',
      { name: '@fixture/hello-ws-mock', description: 'Fixture WebSocket mock.', ...wsPeer, bin: { 'hello-ws-mock': './dist/index.js' } },
      WS_MOCK_BODY,
      "import { readFileSync } from 'node:fs';\nimport { WebSocketServer } from 'ws';\n",
      "const { readFileSync } = require('node:fs');\nconst { WebSocketServer } = require('ws');\n",
      ['startMockServer'],
      WS_MOCK_DTS,
    );
  }
  return root;
}

describe('package checks', () => {
  it('requires "types" first and typed import and require conditions', () => {
    expect(checkExports({ exports: goodExports })).toEqual([]);
    expect(checkExports({ exports: { '.': { import: { default: './a.js', types: './a.d.ts' }, require: { types: './a.d.cts', default: './a.cjs' } } } })).toEqual([
      'exports["."].import: "types" must be the first condition (found: default, types)',
    ]);
    expect(checkExports({ exports: { '.': { import: { types: './a.d.ts', default: './a.js' }, require: './a.cjs' } } })).toEqual(['exports["."].require has no "types"']);
    expect(checkExports({ exports: { '.': './a.js' } })).toEqual(['exports["."] is a bare path: give it "import"/"require" conditions with "types"']);
    expect(checkExports({})).toEqual(['no "exports" map']);
  });

  it('measures the ESM runtime entry of every exports subpath', () => {
    expect(runtimeEntries({ exports: { ...goodExports, './node': { import: { types: './dist/node.d.ts', default: './dist/node.js' } } } })).toEqual([
      { subpath: '.', file: 'dist/index.js' },
      { subpath: './node', file: 'dist/node.js' },
    ]);
    const budgets = { default: 100, packages: { a: 10, b: { './node': 20 } } };
    expect(budgetFor(budgets, 'a', '.')).toEqual({ bytes: 10, source: 'a' });
    expect(budgetFor(budgets, 'a', './node')).toEqual({ bytes: 100, source: 'default' });
    expect(budgetFor(budgets, 'b', './node')).toEqual({ bytes: 20, source: 'b ./node' });
    expect(budgetFor(budgets, 'c', '.')).toEqual({ bytes: 100, source: 'default' });
  });

  it('picks the smoke-test calls from the specs', () => {
    const root = fixtureRepo(false);
    try {
      const op = pickRestOperation(dereference(join(root, 'specs/hello/openapi.yaml')));
      expect(`${op.method} ${op.path}`).toBe('get /health'); // /items has a required parameter
      const req = pickWsRequest(dereference(join(here, 'fixtures/review/repo/specs/demo/asyncapi.yaml')));
      expect(req).toEqual({ type: 'keys.list', payload: {} }); // not auth.login, not the stream
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('picks an authenticated operation when there is no anonymous one: secured like the client, with example parameters or body', () => {
    const doc = (paths: object, extra: object = {}) => dereference({ doc: { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, ...extra } });
    const s2s = [{ apiKey: [], apiSecret: [] }, { basic: [] }];
    const ok = { '200': { description: 'ok' } };
    // a session-token operation (another client's) and the API-key ones most operations use
    const mixed = doc({
      '/session/keys': { get: { security: [{ bearer: [] }], responses: ok } },
      '/accounts/{id}': { get: { security: s2s, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, example: 7 }], responses: ok } },
      '/accounts': { get: { security: s2s, responses: ok } },
    });
    const a = pickRestOperation(mixed);
    expect([a.method, a.path, a.params]).toEqual(['get', '/accounts', {}]);
    // only a GET with a required parameter: its example is sent
    const withParam = doc({ '/accounts/{id}': { get: { security: s2s, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, example: 7 }], responses: ok } } });
    expect(pickRestOperation(withParam).params).toEqual({ path: { id: 7 } });
    // only POSTs (platform-auth): the retry-safe one with a request example
    const root = fixtureRepo(false, { consumers: true });
    try {
      const c = pickRestOperation(dereference(join(root, 'specs/secure/openapi.yaml')));
      expect([c.method, c.path, c.body]).toEqual(['post', '/tokens/revoke', { token: 'revoke-me' }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    // nothing callable: a required parameter without an example
    expect(pickRestOperation(doc({ '/x/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } } }))).toBeUndefined();
  });
});

describe('Prism start-up', () => {
  it('kills the detached child when Prism does not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2sdk-prism-fake-'));
    try {
      // a "Prism" that never says it is listening
      const fake = join(dir, 'fake-prism.mjs');
      writeFileSync(fake, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(dir, 'pid'))}, String(process.pid));\nsetInterval(() => {}, 1000);\n`);
      await expect(startPrism(join(dir, 'spec.yaml'), { command: [process.execPath, fake], timeoutMs: 1500 })).rejects.toThrow(/Prism did not start/);
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      expect(pid).toBeGreaterThan(0);
      expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('size budgets (npm run size)', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepo(false);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes within budget, fails over budget or for a stale entry, and says which budget applied', () => {
    write(root, 'size-budgets.json', { default: 100_000 });
    let r = run('size.mjs', '--root', root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok +@fixture\/hello dist\/index\.js +\d+ B \/ +97\.7 kB \d+% \(default budget\)/);
    expect(r.stdout).not.toContain('@fixture/private');

    write(root, 'size-budgets.json', { default: 100_000, packages: { '@fixture/hello': 50, '@fixture/gone': 10 } });
    r = run('size.mjs', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/@fixture\/hello dist\/index\.js: \d+ B gzip > budget 50 B \(@fixture\/hello\)/);
    expect(r.stderr).toContain('"@fixture/gone" is not a public package any more');

    rmSync(join(root, 'size-budgets.json'));
    r = run('size.mjs', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('size-budgets.json is missing');
  });
});

describe('size budgets follow the static imports of an entry', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepo(false);
    // an entry split into chunks (as tsup/esbuild splitting emits): incompressible chunk contents,
    // a lazily loaded file (import()) and a dependency (bare import), which are not counted
    const noise = (seed: number) => Array.from({ length: 3000 }, (_, i) => ((i * 7919 + seed * 104729) % 65536).toString(36)).join('');
    write(root, 'packages/hello/dist/chunk-a.js', `import { b } from './chunk-b.js';\nexport const a = ${JSON.stringify(noise(1))} + b;\n`);
    write(root, 'packages/hello/dist/chunk-b.js', `export const b = ${JSON.stringify(noise(2))};\n`);
    write(root, 'packages/hello/dist/lazy.js', `export const lazy = ${JSON.stringify(noise(3))};\n`);
    write(
      root,
      'packages/hello/dist/index.js',
      `import { a } from './chunk-a.js';\nimport 'node:fs';\nexport { b } from './chunk-b.js';\n${HELLO_BODY}export const loadLazy = () => import('./lazy.js');\nexport { createHelloClient, a };\n`,
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('measures the entry with its chunks (not the lazy file or dependencies), and fails over budget because of them', () => {
    expect(staticGraph(join(root, 'packages/hello/dist/index.js'), join(root, 'packages/hello')).map((f: string) => f.slice(root.length + 1))).toEqual([
      'packages/hello/dist/index.js',
      'packages/hello/dist/chunk-a.js',
      'packages/hello/dist/chunk-b.js',
    ]);
    const entryOnly = gzipSize(join(root, 'packages/hello/dist/index.js'));
    const { size } = entryGzipSize(join(root, 'packages/hello/dist/index.js'), join(root, 'packages/hello'));
    const lazy = gzipSize(join(root, 'packages/hello/dist/lazy.js'));
    expect(size).toBeGreaterThan(entryOnly + 2 * 1000);
    expect(size).toBeLessThan(entryOnly + 3 * lazy); // the lazy file is not in it

    // a budget the entry file alone would meet
    write(root, 'size-budgets.json', { default: 100_000, packages: { '@fixture/hello': entryOnly + 500 } });
    let r = run('size.mjs', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL @fixture\/hello dist\/index\.js \(\+2 imported files\)/);
    expect(r.stderr).toMatch(/@fixture\/hello dist\/index\.js \(\+2 imported files\): [\d.]+ kB gzip > budget/);

    write(root, 'size-budgets.json', { default: 100_000 });
    r = run('size.mjs', '--root', root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok +@fixture\/hello dist\/index\.js \(\+2 imported files\) +[\d.]+ kB/);

    // a chunk the entry imports but the package does not ship
    rmSync(join(root, 'packages/hello/dist/chunk-b.js'));
    r = run('size.mjs', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('dist/chunk-a.js imports ./chunk-b.js, which is not in the package');
  });
});

describe('release:dry', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepo(true);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists the tarball contents and fails on a package with wrong exports or types', () => {
    const r = run('dry.mjs', '--root', root, '--no-build');
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status).toBe(1);
    // the good package: file list with sizes, every check passing
    const hello = out.slice(out.indexOf('── @fixture/hello@0.1.0'), out.indexOf('release:dry:'));
    expect(hello).toMatch(/\d+ B +dist\/index\.d\.cts/);
    expect(hello).toContain('fixture-hello-0.1.0.tgz: 5 files');
    expect(hello).toContain('exports: types first, import and require typed');
    expect(hello).toContain('publint --strict: ok');
    expect(hello).toContain('attw --pack (profile strict): ok');
    // the broken one: each check reports it
    expect(r.stderr).toContain('@fixture/broken: exports["."].import: "types" must be the first condition (found: default, types)');
    expect(r.stderr).toContain('@fixture/broken: exports["."].require has no "types"');
    expect(r.stderr).toContain('@fixture/broken: publint --strict failed');
    expect(r.stderr).toContain('@fixture/broken: @arethetypeswrong/cli reported problems');
    expect(r.stderr).not.toContain('@fixture/hello:');
    expect(out).not.toContain('@fixture/private');
  });
});

describe('consumer-check', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepo(false, { consumers: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the tarballs outside the workspace, imports them from ESM and CJS, type-checks and calls Prism and the WebSocket mock through them', () => {
    const r = run('consumer-check.mjs', '--root', root, '--no-build');
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/fresh project outside the workspace/);
    expect(out).toContain('esm @fixture/hello: 1 exports');
    expect(out).toContain('cjs @fixture/hello: 1 exports');
    expect(out).toContain('cjs @fixture/hello-ws-mock: 1 exports');
    expect(out).toContain('2 REST and 1 WebSocket smoke call(s)');
    expect(out).toMatch(/Prism on specs\/hello\/openapi\.yaml: http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('rest @fixture/hello GET /health → 200 { status }');
    // only POSTs, behind an API key: the retry-safe one, with the spec's request example and the mockOptions credentials
    expect(out).toContain('rest @fixture/secure POST /tokens/revoke → 200 { revoked }');
    // the WebSocket branch: the packed mock serves the spec, the packed client logs in (mockOptions) and sends the example request
    expect(out).toContain('ws @fixture/hello-ws items.list → { items }');
    expect(out).toContain('consumer-check: the packed packages install');
  });

  it('authenticates with the package\'s mockOptions: without them Prism refuses the call', () => {
    const pkgFile = join(root, 'packages/secure/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    writeFileSync(pkgFile, JSON.stringify({ ...pkg, s2sdk: { ...pkg.s2sdk, mockOptions: '{ baseUrl }' } }, null, 2));
    try {
      const r = run('consumer-check.mjs', '--root', root, '--no-build');
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('@fixture/secure POST /tokens/revoke: HTTP 401');
    } finally {
      writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    }
  });

  it('fails when the program does not type-check against the packed declarations', () => {
    // the factory's options in the declarations no longer accept what the spec-derived call passes
    write(root, 'packages/hello/dist/index.d.ts', HELLO_DTS.replace('options: { baseUrl: string }', 'options: { environment: string }'));
    const r = run('consumer-check.mjs', '--root', root, '--no-build');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TypeScript:');
    expect(r.stderr).toMatch(/consumer\.mts\(\d+,\d+\): error TS2353/);
  });
});
