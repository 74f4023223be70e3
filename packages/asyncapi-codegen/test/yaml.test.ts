// src/yaml.ts reads documents exactly as the `yaml` package (YAML 1.2 core schema), which
// bundle.ts used before, and reports syntax errors with their line and column.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleDocument, BundleError } from '../src/bundle';
import { parseYaml, YamlSyntaxError } from '../src/yaml';
import { fixture, pkgDir, repoRoot } from './helpers';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('parseYaml', () => {
  it('parses every spec and fixture document as the yaml package does', () => {
    const files = [...yamlFiles(join(repoRoot, 'specs')), ...yamlFiles(join(pkgDir, 'test', 'fixtures', 'valid'))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(parseYaml(text), file).toStrictEqual(parse(text));
    }
  });

  it('resolves plain scalars by the YAML 1.2 core schema, as the yaml package does', () => {
    const scalars = [
      '0', '-0', '+12', '007', '12345678901234567890', '0o17', '0o8', '0x1f', '0x1F', '-0x1f', '0b101', '1_000',
      '1.5', '-.5', '+.5', '.5', '1.', '1e3', '1E-3', '-1.5e+3', '.5e1', '1_0.5', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'nan', 'inf',
      'true', 'True', 'TRUE', 'tRue', 'yes', 'no', 'on', 'off', 'y', 'null', 'Null', 'NULL', '~', '', 'nUll',
      '2024-01-02', '12:30', '1:20', '0.1.2', '"1"', "'true'",
    ];
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n') + '\n';
    expect(parseYaml(text)).toStrictEqual(parse(text));
    expect(parseYaml(`list: [${scalars.filter(Boolean).join(', ')}]\n`)).toStrictEqual(parse(`list: [${scalars.filter(Boolean).join(', ')}]\n`));
  });

  it('keeps anchors, aliases, block scalars, merge keys as plain keys, and empty documents like the yaml package', () => {
    for (const text of ['a: &x {b: 1}\nc: *x\n', 'd: |\n  line 1\n  line 2\ne: >-\n  folded\n  text\n', 'a:\n  <<: {b: 1}\n', '', '# only a comment\n', '[1, 2]\n', '"just a string"\n']) {
      expect(parseYaml(text), JSON.stringify(text)).toStrictEqual(parse(text) ?? null);
    }
  });

  it('reports a syntax error with its line and column', () => {
    expect(() => parseYaml('a: 1\nb: [1, 2\n')).toThrow(YamlSyntaxError);
    expect(() => parseYaml('a: 1\nb: [1, 2\n')).toThrow(/ at line 3, column 1$/);
    expect(() => parseYaml('a: 1\na: 2\n')).toThrow(/duplicated mapping key at line 2, column 1$/);
    expect(() => parseYaml('a: 1\n  b: 2\n')).toThrow(/ at line 2, column \d+$/);
    expect(() => parseYaml('---\na: 1\n---\nb: 2\n')).toThrow(/single document/);
  });

  it('bundleDocument names the file and the place of a syntax error, in the root and in a referenced file', () => {
    expect(() => bundleDocument(fixture('invalid', 'yaml-syntax.yaml'))).toThrow(BundleError);
    expect(() => bundleDocument(fixture('invalid', 'yaml-syntax.yaml'))).toThrow(/^cannot parse .*yaml-syntax\.yaml: missed comma between flow collection entries at line 4, column 1$/);
    expect(() => bundleDocument('/x/api.yaml', 'asyncapi: 3.0.0\ninfo: [\n')).toThrow(/^cannot parse \/x\/api\.yaml: .* at line 3, column 1$/);
  });
});
