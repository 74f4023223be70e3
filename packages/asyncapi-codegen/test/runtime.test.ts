// The committed generated module imports and behaves at run time; the CLI works end to end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index';
import * as full from './generated/full/operations.gen';
import { fixture, label, repoRoot, runCli } from './helpers';

const temps: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 's2sdk-codegen-'));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('generated runtime values', () => {
  it('exports the operation table, roles, events and auth/error types', () => {
    expect(full.operationTable).toEqual({
      'auth.login': { reply: 'auth.success', errors: ['auth.failure', 'error'], chunk: null, streaming: false, auth: true },
      'export.run': { reply: 'export.run.ok', errors: ['error'], chunk: 'export.run.chunk', streaming: true, auth: false },
      'item.create': { reply: 'item.create.ok', errors: ['error'], chunk: null, streaming: false, auth: false },
      'item.get': { reply: 'item.get.ok', errors: ['error'], chunk: null, streaming: false, auth: false },
    });
    expect(full.messageRoles['item.changed']).toBe('event');
    expect(full.eventTypes).toEqual(['item.changed']);
    expect(full.authRequestType).toBe('auth.login');
    expect(full.errorMessageType).toBe('error');
  });
});

describe('generated TypeScript compiles on its own', () => {
  it('under strict tsc (no skipLibCheck), together with a consumer', async () => {
    const dir = tempDir();
    for (const name of ['full', 'minimal', 'multifile/api']) {
      const { files } = await generate({ input: fixture('valid', `${name}.yaml`), specLabel: label(name) });
      writeFileSync(join(dir, `${name.split('/')[0]}.gen.ts`), files['operations.gen.ts']!);
    }
    writeFileSync(
      join(dir, 'consumer.ts'),
      [
        "import { operationTable, type Operations, type Envelope, type Messages } from './full.gen';",
        "import type { Operations as Min } from './minimal.gen';",
        "const req: Envelope<'item.create', Operations['item.create']['request']> = { type: 'item.create', requestId: 'r1', payload: { name: 'x', price: { amount: 1, currency: 'INR' } } };",
        "const reply: Messages['item.create.ok'] = { type: 'item.create.ok', requestId: req.requestId, payload: { id: 1, name: 'x', status: 'active', price: { amount: 1, currency: 'INR' } } };",
        "const t: 'item.create.ok' = operationTable['item.create'].reply;",
        "const p: Min['ping']['reply'] = { echo: 'hi' };",
        "// @ts-expect-error status must be one of the enum values",
        "const bad: Messages['item.create.ok']['payload']['status'] = 'deleted';",
        'export { req, reply, t, p, bad };',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          noEmit: true,
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noUnusedLocals: true,
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          isolatedModules: true,
          verbatimModuleSyntax: true,
          types: [],
          skipLibCheck: false,
        },
        files: ['full.gen.ts', 'minimal.gen.ts', 'multifile.gen.ts', 'consumer.ts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('CLI', () => {
  it('writes both files into --out and exits 0', () => {
    const out = join(tempDir(), 'nested', 'generated');
    const res = runCli([fixture('valid', 'full.yaml'), '--out', out, '--label', label('full')]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(join(out, 'operations.gen.ts'), 'utf8')).toBe(readFileSync(join(__dirname, 'generated', 'full', 'operations.gen.ts'), 'utf8'));
    expect(readFileSync(join(out, 'schemas.gen.json'), 'utf8')).toBe(readFileSync(join(__dirname, 'generated', 'full', 'schemas.gen.json'), 'utf8'));
  });

  it('--check exits 0 when up to date and 1 on drift', () => {
    const out = tempDir();
    for (const f of ['operations.gen.ts', 'schemas.gen.json']) copyFileSync(join(__dirname, 'generated', 'minimal', f), join(out, f));
    expect(runCli([fixture('valid', 'minimal.yaml'), '--out', out, '--label', label('minimal'), '--check']).code).toBe(0);
    writeFileSync(join(out, 'schemas.gen.json'), '{}\n');
    const res = runCli([fixture('valid', 'minimal.yaml'), '--out', out, '--label', label('minimal'), '--check']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('out of date');
    expect(res.stderr).toContain('schemas.gen.json');
  });

  it('exits 1 with the problems on stderr for an invalid document, writing nothing', () => {
    const out = join(tempDir(), 'out');
    const res = runCli([fixture('invalid', 'no-reply.yaml'), '--out', out]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^s2sdk-asyncapi-codegen: .*no-reply\.yaml: the document does not follow/);
    expect(res.stderr).toContain('operation "ping": a send operation has no reply');
    expect(res.stderr).not.toContain('    at '); // no stack trace for document problems
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 with usage on bad arguments', () => {
    const none = runCli([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Usage: s2sdk-asyncapi-codegen');
    const noOut = runCli([fixture('valid', 'minimal.yaml')]);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toContain('--out');
    const unknown = runCli([fixture('valid', 'minimal.yaml'), '--out', tempDir(), '--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('bogus');
  });
});
