// scripts/generate.mjs end to end for the AsyncAPI package, on a copy of the checkout (its
// scripts, the generator's sources and the Niyantha specs; node_modules linked entry by entry, so
// the copy has caches of its own): the output is the committed one, and a broken document, a YAML
// syntax error or a document the AsyncAPI 3.0 schema rejects, fails generation with a clear error.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/workspace.mjs';

const PKG = 'packages/niyantha-ws';
const SPEC = 'specs/niyantha/asyncapi.yaml';

function copyOfTheCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'generate-asyncapi-'));
  for (const path of ['scripts/generate.mjs', 'scripts/lib', 'tsconfig.json', 'tsconfig.base.json', 'packages/asyncapi-codegen/src', 'packages/ws-protocol/src', `${PKG}/package.json`, 'specs/niyantha']) {
    cpSync(join(repoRoot, path), join(root, path), { recursive: true });
  }
  mkdirSync(join(root, 'node_modules'));
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) if (entry !== '.cache') symlinkSync(join(repoRoot, 'node_modules', entry), join(root, 'node_modules', entry));
  return root;
}

const generate = (root: string) =>
  spawnSync(process.execPath, [join(root, 'scripts/generate.mjs'), '--package', join(root, PKG), '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, S2SDK_ASYNCAPI_CACHE: 'off' }, // validate every time
  });

describe('generate.mjs, AsyncAPI', () => {
  const root = copyOfTheCheckout();
  const spec = join(root, SPEC);
  const original = readFileSync(spec, 'utf8');

  it('writes the committed files, with their do-not-edit header', () => {
    const run = generate(root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const file of ['operations.gen.ts', 'schemas.gen.json']) {
      const content = readFileSync(join(root, PKG, 'src/generated', file), 'utf8');
      expect(content, file).toBe(readFileSync(join(repoRoot, PKG, 'src/generated', file), 'utf8'));
      expect(content).toMatch(/Do not edit by hand/);
    }
  });

  it('fails on a YAML syntax error, naming the file, the line and the column', () => {
    writeFileSync(spec, original.replace(/^info:/m, 'info: [\ninfo2:'));
    const run = generate(root);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/s2sdk-asyncapi-codegen: specs\/niyantha\/asyncapi\.yaml: the document cannot be read:\n {2}- cannot parse .*asyncapi\.yaml: .* at line \d+, column \d+/);
    expect(run.stderr).toMatch(/generate: specs\/niyantha\/asyncapi\.yaml failed/);
  });

  it('fails on a document the AsyncAPI 3.0 schema rejects, with the schema error and its line', () => {
    writeFileSync(spec, original.replace(/^info:\n {2}title: .*\n/m, 'info:\n'));
    const run = generate(root);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/parse error\(s\):\n {2}- info \(line \d+\): "info" property must have required property "title"/);
  });

  it('fails on protocol bindings of the wrong shape (the part of the schema only a document with bindings reaches)', () => {
    writeFileSync(spec, original.replace(/^channels:\n {2}(\S+):\n/m, (m) => `${m}    bindings:\n      ws:\n        method: FETCH\n`));
    expect(readFileSync(spec, 'utf8')).toMatch(/bindings:\n {6}ws:\n {8}method: FETCH/);
    const run = generate(root);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bindings\.ws\.method[^\n]*: "method" property must be equal to one of the allowed values: "GET", "POST"/);
  });
});
