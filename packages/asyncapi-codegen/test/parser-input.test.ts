// src/parser-input.ts: the parser reads the text of a handed-over object with JSON.parse (the
// YAML AST only when a finding needs its place), with the same document and the same findings,
// ranges included, as the parser's own reading.
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { bundleDocument } from '../src/bundle';
import { parserRuleset } from '../src/document-checks';
import { parseObject } from '../src/parser-input';
import { parseYaml } from '../src/yaml';
import { fixture } from './helpers';

const parser = () => new Parser({ ruleset: parserRuleset({ validate: true, circular: true }) as never });
type Output = Awaited<ReturnType<Parser['parse']>>;
const spectralResult = (o: Output) => (o.extras as unknown as { document: { parserResult: object } }).document.parserResult;
const findings = (o: Output) => o.diagnostics.map((d) => ({ code: d.code, message: d.message, path: d.path, severity: d.severity, range: d.range }));

describe('parseObject', () => {
  for (const name of ['valid/full.yaml', 'valid/multifile/api.yaml']) {
    it(`${name}: the same document and findings as parser.parse, without building the YAML AST`, async () => {
      const { document } = bundleDocument(fixture(...name.split('/')));
      const source = fixture(...name.split('/'));
      const ours = await parseObject(parser(), document, { source });
      const theirs = await parser().parse(document as never, { source });
      expect(ours.document).toBeDefined();
      expect(ours.document!.json()).toStrictEqual(theirs.document!.json());
      expect(findings(ours)).toStrictEqual(findings(theirs));
      // The fast path was taken: the AST is still a getter nobody called for.
      expect(typeof Object.getOwnPropertyDescriptor(spectralResult(ours), 'ast')?.get).toBe('function');
      expect(typeof Object.getOwnPropertyDescriptor(spectralResult(theirs), 'ast')?.get).toBe('undefined');
    });
  }

  it('an invalid document: the same errors, with the same ranges, as parser.parse', async () => {
    const source = fixture('invalid', 'parse-error.yaml');
    const document = parseYaml(readFileSync(source, 'utf8')) as object;
    const ours = await parseObject(parser(), document, { source });
    const theirs = await parser().parse(document as never, { source });
    expect(ours.document).toBeUndefined();
    expect(findings(ours).filter((d) => d.severity === 0).length).toBeGreaterThan(0);
    expect(findings(ours)).toStrictEqual(findings(theirs));
    expect(findings(ours).some((d) => d.range.start.line > 0)).toBe(true);
  });

  it('leaves other inputs (YAML text, other objects) to the YAML parser', async () => {
    const source = fixture('valid', 'minimal.yaml');
    const text = readFileSync(source, 'utf8');
    const fromText = await parser().parse(text, { source });
    expect(typeof Object.getOwnPropertyDescriptor(spectralResult(fromText), 'ast')?.get).toBe('undefined');
    // Concurrent loads of different documents each keep their own data.
    const a = bundleDocument(fixture('valid', 'full.yaml')).document;
    const b = bundleDocument(source).document;
    const [oa, ob] = await Promise.all([parseObject(parser(), a, { source }), parseObject(parser(), b, { source })]);
    expect(oa.document!.info().title()).toBe((a as { info: { title: string } }).info.title);
    expect(ob.document!.info().title()).toBe((b as { info: { title: string } }).info.title);
  });
});
