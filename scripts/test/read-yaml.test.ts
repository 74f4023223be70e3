// scripts/lib/read-yaml.mjs reads every spec file exactly as the `yaml` package (YAML 1.2 core
// schema) does, which generate.mjs used before.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readYamlFile } from '../lib/read-yaml.mjs';
import { repoRoot, specDocuments } from '../lib/workspace.mjs';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('readYamlFile', () => {
  it('parses every spec file as the yaml package does', () => {
    const files = yamlFiles(join(repoRoot, 'specs'));
    expect(files.length).toBeGreaterThan(specDocuments().length);
    for (const file of files) expect(readYamlFile(file), file).toStrictEqual(parse(readFileSync(file, 'utf8')));
  });

  it('keeps YAML 1.2 core scalars (no timestamps, no YAML 1.1 booleans) like the yaml package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-yaml-'));
    const file = join(dir, 'scalars.yaml');
    const text = 'date: 2024-01-02\nyes: yes\non: off\noct: 0o17\nhex: 0x1f\nnull1: ~\ninf: .inf\nbool: True\nstr: "x"\n';
    writeFileSync(file, text);
    expect(readYamlFile(file)).toStrictEqual(parse(text));
  });

  it('parses a file once and hands out the same value after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-yaml-'));
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'a: 1\n');
    const first = readYamlFile(file);
    writeFileSync(file, 'a: 2\n');
    expect(readYamlFile(file)).toBe(first);
  });

  it('reports a malformed file with its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-yaml-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'a: [1\n');
    expect(() => readYamlFile(file)).toThrow(/bad\.yaml/);
  });
});
