// Public API diff of packages between two trees (TypeScript compiler API, one program
// with both trees). Trees are copies of the fixture repo with edited sources.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM scripts without type declarations
import { compareApis, entryPoints, packageSourcesChanged } from '../review/api-diff.mjs';
// @ts-ignore
import { discoverPackages } from '../lib/discover.mjs';

interface Change {
  severity: string;
  code: string;
  where: string;
  message: string;
}
type Result = Map<string, { status: string; changes: Change[]; diagnostics: string[]; exports: { head: Map<string, { kind: string }> } }>;

const here = dirname(fileURLToPath(import.meta.url));
const fixtureRoot = join(here, 'fixtures/review/repo');

function edit(root: string, file: string, from: string, to: string) {
  const abs = join(root, file);
  const text = readFileSync(abs, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture edit: "${from}" not found in ${file}`);
  writeFileSync(abs, text.replace(from, to));
}

const codes = (r: Result, pkg: string) => r.get(pkg)!.changes.map((c) => `${c.severity} ${c.code} ${c.message.split(' — ')[0]}`);

describe('public API diff', () => {
  let head: string;
  let result: Result;

  beforeAll(() => {
    head = mkdtempSync(join(tmpdir(), 's2sdk-api-head-'));
    cpSync(fixtureRoot, head, { recursive: true });
    // @fixture/demo: an output interface gains a method, an output type gains an optional field,
    // a new export, an input option becomes required (through the core interface it extends).
    edit(head, 'packages/demo/src/index.ts', 'listKeys(): Promise<KeySummary[]>;', 'listKeys(): Promise<KeySummary[]>;\n  getKey(id: number): Promise<KeySummary>;');
    edit(head, 'packages/demo/src/index.ts', '  username: string;', '  username: string;\n  status?: string;');
    edit(head, 'packages/demo/src/index.ts', '    raw,\n    async listKeys', "    raw,\n    async getKey(id) {\n      return (await raw.POST('/keys/{id}/expire', { params: { path: { id } } })).data as KeySummary;\n    },\n    async listKeys");
    writeFileSync(join(head, 'packages/demo/src/index.ts'), `${readFileSync(join(head, 'packages/demo/src/index.ts'), 'utf8')}\n/** Default page size. */\nexport const DEFAULT_LIMIT = 20;\n`);
    // @fixture/demo-core: a required option, and the ./node entry loses its export
    edit(head, 'packages/demo-core/src/index.ts', 'retries?: number;', 'retries: number;');
    // a private field makes the class nominally different, but nothing a consumer can use changed
    edit(head, 'packages/demo-core/src/index.ts', '  readonly status: number;', "  readonly status: number;\n  #hint = '';");
    edit(head, 'packages/demo-core/src/node.ts', 'export const nodeFetch', 'const nodeFetch');
    writeFileSync(join(head, 'packages/demo-core/src/node.ts'), `${readFileSync(join(head, 'packages/demo-core/src/node.ts'), 'utf8')}\nexport const createNodeFetch = () => nodeFetch;\n`);
    // @fixture/demo-ws: a required parameter added, an export removed
    edit(head, 'packages/demo-ws/src/index.ts', 'export async function connectDemoWs(options: DemoWsOptions)', 'export async function connectDemoWs(options: DemoWsOptions, token: string)');
    edit(head, 'packages/demo-ws/src/index.ts', 'if (!options.url) throw', 'if (!options.url || !token) throw');
    edit(head, 'packages/demo-ws/src/index.ts', '/** Request types and their payloads. */\nexport interface Requests', '/** Request types and their payloads. */\ninterface Requests');
    result = compareApis({ baseRoot: fixtureRoot, headRoot: head });
  });

  afterAll(() => {
    if (head) rmSync(head, { recursive: true, force: true });
  });

  it('lists the exports of every entry point with their kind', () => {
    const exp = result.get('@fixture/demo-core')!.exports.head;
    expect(exp.get('createTransport')!.kind).toBe('function');
    expect(exp.get('DemoError')!.kind).toBe('class');
    expect(exp.get('TransportOptions')!.kind).toBe('interface');
    expect(exp.get('node:createNodeFetch')!.kind).toBe('const');
    expect(result.has('@fixture/demo-private')).toBe(false);
  });

  it('classifies additions and widened outputs as non-breaking, incompatible inputs as breaking', () => {
    const demo = codes(result, '@fixture/demo');
    expect(demo).toEqual(
      expect.arrayContaining([
        'non-breaking export-added export `DEFAULT_LIMIT` (const) added',
        'non-breaking export-changed-compatibly export `KeySummary` (interface) changed compatibly',
        expect.stringMatching(/^non-breaking export-widened export `DemoClient` \(interface\) gained members/),
        // DemoClientOptions extends the core TransportOptions, whose `retries` became required
        'breaking export-changed-incompatibly export `DemoClientOptions` (interface) changed incompatibly',
        'breaking export-changed-incompatibly export `createDemoClient` (function) changed incompatibly',
      ]),
    );
    expect(demo.filter((c) => c.startsWith('breaking')).length).toBe(2);
  });

  it('follows every entry point (subpath exports) and explains incompatibilities', () => {
    const core = result.get('@fixture/demo-core')!.changes;
    expect(core.map((c) => `${c.severity} ${c.code} ${c.where}`)).toEqual(
      expect.arrayContaining([
        'breaking export-changed-incompatibly @fixture/demo-core',
        'breaking export-removed @fixture/demo-core/node',
        'non-breaking export-added @fixture/demo-core/node',
      ]),
    );
    const ws = result.get('@fixture/demo-ws')!.changes;
    const connect = ws.find((c) => c.message.includes('connectDemoWs'))!;
    expect(connect.severity).toBe('breaking');
    expect(connect.message).toContain('(options: DemoWsOptions, token: string) => Promise<DemoWs>');
    expect(connect.message).not.toContain('s2sdk-api-diff'); // no scratch paths in messages
    expect(ws.some((c) => c.code === 'export-removed' && c.message.includes('`Requests`'))).toBe(true);
    expect(core.some((c) => c.message.includes('`DemoError`'))).toBe(false);
    expect(result.get('@fixture/demo')!.changes.some((c) => c.message.includes('`DemoError`'))).toBe(false);
    // ... at every depth: a signature using the class (describeError(e: DemoError)) is unchanged too
    expect(result.get('@fixture/demo')!.changes.filter((c) => c.message.includes('describeError'))).toEqual([]);
    // head sources that do not type-check are reported, not fatal
    expect(result.get('@fixture/demo-core')!.diagnostics.some((d) => d.includes("'retries'"))).toBe(true);
  });

  it('compares classes on their public members at every depth (private fields are not the API)', () => {
    const base = mkdtempSync(join(tmpdir(), 's2sdk-api-priv-base-'));
    const next = mkdtempSync(join(tmpdir(), 's2sdk-api-priv-head-'));
    try {
      cpSync(fixtureRoot, base, { recursive: true });
      cpSync(fixtureRoot, next, { recursive: true });
      // base: the class already has a private member of its own (nominal on both sides)
      edit(base, 'packages/demo-core/src/index.ts', '  readonly status: number;', '  readonly status: number;\n  private cause0 = 0;');
      // head: a #private field and another private member, a private method; nothing public changes
      edit(next, 'packages/demo-core/src/index.ts', '  readonly status: number;', "  readonly status: number;\n  #hint = '';\n  private cause1 = '';\n  #explain(): string {\n    return this.#hint + this.cause1;\n  }");
      // a signature using the class through a union and a generic, in the unchanged package
      edit(base, 'packages/demo/src/index.ts', '/** A key summary. */', 'export type ErrorLike = string | DemoError | Promise<DemoError[]>;\n\n/** A key summary. */');
      edit(next, 'packages/demo/src/index.ts', '/** A key summary. */', 'export type ErrorLike = string | DemoError | Promise<DemoError[]>;\n\n/** A key summary. */');
      const r: Result = compareApis({ baseRoot: base, headRoot: next });
      expect(r.get('@fixture/demo')!.changes).toEqual([]);
      expect(r.get('@fixture/demo-ws')!.changes).toEqual([]);
      expect(r.get('@fixture/demo-core')!.changes).toEqual([]);

      // a nominal class (private members) that gains a public member: its values only come from the
      // class, so signatures using it (in inputs too) are unchanged; the class itself is additive
      edit(next, 'packages/demo-core/src/index.ts', '  #explain(): string {', '  hint(): string {\n    return this.#hint;\n  }\n  #explain(): string {');
      const r1: Result = compareApis({ baseRoot: base, headRoot: next });
      expect(codes(r1, '@fixture/demo-core')).toEqual(['non-breaking class-changed-compatibly export `DemoError` (class) gained public members `hint`']);
      expect(codes(r1, '@fixture/demo')).toEqual(['non-breaking class-changed-compatibly export `DemoError` (class) gained public members `hint`']);
      expect(r1.get('@fixture/demo-ws')!.changes).toEqual([]);

      // a genuine public change of the class is still breaking where the class is used
      edit(next, 'packages/demo-core/src/index.ts', '  readonly status: number;', '  readonly status: string;');
      edit(next, 'packages/demo-core/src/index.ts', '    this.status = status;', '    this.status = String(status);');
      const r2: Result = compareApis({ baseRoot: base, headRoot: next });
      expect(codes(r2, '@fixture/demo-core')).toEqual([expect.stringMatching(/^breaking export-changed-incompatibly export `DemoError` \(class\)/)]);
      expect(codes(r2, '@fixture/demo')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^breaking export-changed-incompatibly export `DemoError` \(class\)/),
          expect.stringMatching(/^breaking export-changed-incompatibly export `describeError` \(function\)/),
          expect.stringMatching(/^breaking export-changed-incompatibly export `ErrorLike` \(type\)/),
        ]),
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(next, { recursive: true, force: true });
    }
  });

  it('keeps module-local unique symbols the same symbol, and tells changes through generated types apart', () => {
    const base = mkdtempSync(join(tmpdir(), 's2sdk-api-gen-base-'));
    const next = mkdtempSync(join(tmpdir(), 's2sdk-api-gen-head-'));
    try {
      for (const root of [base, next]) {
        cpSync(fixtureRoot, root, { recursive: true });
        // a member keyed by a module-local unique symbol, in a file that changes
        edit(root, 'packages/demo-core/src/index.ts', '/** Transport options. */', "const TAG: unique symbol = Symbol.for('demo.tag') as never;\n\n/** Something tagged. */\nexport interface Tagged {\n  [TAG](): string;\n  name: string;\n}\n\n/** Transport options. */");
        mkdirSync(join(root, 'packages/demo/src/generated'), { recursive: true });
      }
      edit(next, 'packages/demo-core/src/index.ts', '/** Transport options. */', '/** Library version. */\nexport const VERSION = 1;\n\n/** Transport options. */');
      // a hand-written export typed from a generated one (like a client's raw methods typed from `paths`)
      writeFileSync(join(base, 'packages/demo/src/generated/paths.gen.ts'), "export interface paths { '/health': { status: 'UP' | 'DOWN' } }\n");
      writeFileSync(join(next, 'packages/demo/src/generated/paths.gen.ts'), "export interface paths { '/health': { status: 'UP' | 'DOWN' | 'MAINTENANCE' } }\n");
      for (const root of [base, next]) {
        edit(root, 'packages/demo/src/index.ts', '/** A key summary. */', "import type { paths } from './generated/paths.gen.js';\n\n/** The health check result. */\nexport type Health = paths['/health'];\n\n/** A key summary. */");
      }
      const r: Result = compareApis({ baseRoot: base, headRoot: next });
      expect(codes(r, '@fixture/demo-core')).toEqual(['non-breaking export-added export `VERSION` (const) added']);
      expect(codes(r, '@fixture/demo')).toEqual(['non-breaking generated-type-changed export `Health` (type) changed only through the generated types (src/generated/)']);
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(next, { recursive: true, force: true });
    }
  });

  it('reports no change between identical trees', () => {
    const same: Result = compareApis({ baseRoot: fixtureRoot, headRoot: fixtureRoot });
    for (const [, r] of same) expect(r.changes).toEqual([]);
  });

  it('derives entry points from exports and detects source changes', () => {
    expect(entryPoints({ exports: { '.': {}, './node': {}, './package.json': './package.json' } })).toEqual([
      { subpath: '.', file: 'src/index.ts' },
      { subpath: './node', file: 'src/node.ts' },
    ]);
    expect(entryPoints({})).toEqual([{ subpath: '.', file: 'src/index.ts' }]);
    const pkg = discoverPackages(head).find((p: { name: string }) => p.name === '@fixture/demo-ws');
    expect(packageSourcesChanged(fixtureRoot, head, pkg)).toEqual(['src/index.ts']);
  });
});
