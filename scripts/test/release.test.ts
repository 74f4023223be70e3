// Release checks on a generated fixture repository (hand-written dist files, no build):
// the exports check, size budgets, release:dry (npm pack, publint, attw) and the consumer
// check (tarballs installed in a fresh project outside the workspace, ESM + CJS imports,
// a type-checked program run against Prism on the package's spec).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM scripts without type declarations
import { checkExports, runtimeEntries } from '../release/lib.mjs';
// @ts-ignore
import { budgetFor } from '../release/size.mjs';
// @ts-ignore
import { pickRestOperation, pickWsRequest } from '../release/targets.mjs';
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

function write(root: string, file: string, content: string | object) {
  const abs = join(root, file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

/** A repository with one well-formed package generated from a spec (hello) and, optionally, a broken one. */
function fixtureRepo(withBroken: boolean): string {
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
    root = fixtureRepo(false);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the tarball outside the workspace, imports it from ESM and CJS, type-checks and calls Prism through it', () => {
    const r = run('consumer-check.mjs', '--root', root, '--no-build');
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/fresh project outside the workspace/);
    expect(out).toContain('esm @fixture/hello: 1 exports');
    expect(out).toContain('cjs @fixture/hello: 1 exports');
    expect(out).toContain('1 REST and 0 WebSocket smoke call(s)');
    expect(out).toMatch(/Prism on specs\/hello\/openapi\.yaml: http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('rest @fixture/hello GET /health → 200 { status }');
    expect(out).toContain('consumer-check: the packed packages install');
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
