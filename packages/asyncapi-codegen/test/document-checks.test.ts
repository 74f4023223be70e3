// The generator validates with the parser's core ruleset minus the two rules that walk the
// resolved document, plus their stand-ins (src/document-checks.ts). These tests hold it to the
// parser's own full validation: every fixture document is rejected by one exactly when it is
// rejected by the other, and the stand-ins are checked on their own.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { getSchema } from '@asyncapi/parser/cjs/ruleset/functions/documentStructure.js';
import { AsyncAPIFormats } from '@asyncapi/parser/cjs/ruleset/formats.js';
import Ajv from 'ajv';
import ajvErrors from 'ajv-errors';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { bundleDocument } from '../src/bundle';
import { channelParameterProblems, hasCircularRefs, parserRuleset, pruneSchema, refKindProblems } from '../src/document-checks';
import { fixture, repoRoot } from './helpers';

const errorsOf = (output: { diagnostics: Array<{ severity: number; code: string | number; path: Array<string | number> }> }) =>
  output.diagnostics.filter((d) => d.severity === 0).map((d) => `${String(d.code)} at ${d.path.join('.')}`);

function fixtureDocuments(): Array<{ name: string; document: object }> {
  const out: Array<{ name: string; document: object }> = [];
  for (const kind of ['valid', 'invalid']) {
    for (const entry of readdirSync(fixture(kind))) {
      const file = join(fixture(kind), entry);
      if (statSync(file).isDirectory() || !entry.endsWith('.yaml')) continue;
      try {
        out.push({ name: `${kind}/${entry}`, document: bundleDocument(file).document });
      } catch {
        // not bundleable (broken YAML, missing file): rejected before validation either way
      }
    }
  }
  return out;
}

describe('the generator rejects exactly what the parser\'s full validation rejects', () => {
  const documents = fixtureDocuments();
  // One parser per ruleset, reused: building a parser compiles its rules.
  const fullParser = new Parser();
  const ourParsers = new Map([true, false].map((circular) => [circular, new Parser({ ruleset: parserRuleset({ validate: true, circular }) as never })]));

  it('has documents of both verdicts to compare', () => {
    expect(documents.length).toBeGreaterThan(20);
  });

  for (const { name, document } of documents) {
    it(name, async () => {
      const full = errorsOf(await fullParser.parse(structuredClone(document) as never));
      const ours = [
        ...errorsOf(await ourParsers.get(hasCircularRefs(document))!.parse(structuredClone(document) as never)),
        ...refKindProblems(document),
        ...channelParameterProblems(document),
      ];
      expect({ rejected: ours.length > 0, ours }).toEqual({ rejected: full.length > 0, ours: expect.any(Array) });
    });
  }
});

describe('refKindProblems', () => {
  const doc = (operation: object) => ({
    asyncapi: '3.0.0',
    channels: { ws: { address: '/ws', messages: { ping: { $ref: '#/components/messages/ping' } } } },
    components: { messages: { ping: { payload: { $ref: '#/components/schemas/Ping' } } }, schemas: { Ping: { type: 'object' } } },
    operations: { ping: operation },
  });

  it('accepts refs to the kind of object each position takes', () => {
    expect(refKindProblems(doc({ action: 'send', channel: { $ref: '#/channels/ws' }, messages: [{ $ref: '#/channels/ws/messages/ping' }] }))).toEqual([]);
  });

  it('names the position, the ref and what it must point to', () => {
    expect(refKindProblems(doc({ action: 'send', channel: { $ref: '#/components/messages/ping' }, messages: [{ $ref: '#/components/messages/ping' }] }))).toEqual([
      'operations.ping.channel: $ref "#/components/messages/ping" must point to a channel [s2sdk-ref-kind]',
      'operations.ping.messages.0: $ref "#/components/messages/ping" must point to a channel\'s message [s2sdk-ref-kind]',
    ]);
  });

  it('reports refs that do not exist or are not local', () => {
    expect(refKindProblems(doc({ action: 'send', channel: { $ref: '#/channels/nope' }, messages: [{ $ref: 'other.yaml#/x' }] }))).toEqual([
      'operations.ping.channel: $ref "#/channels/nope" does not exist [s2sdk-ref-kind]',
      'operations.ping.messages.0: $ref "other.yaml#/x" is not local after bundling [s2sdk-ref-kind]',
    ]);
  });

  it('reports a malformed pointer as missing instead of throwing', () => {
    expect(refKindProblems(doc({ action: 'send', channel: { $ref: '#/channels/%E0' }, messages: [] }))).toEqual([
      'operations.ping.channel: $ref "#/channels/%E0" does not exist [s2sdk-ref-kind]',
    ]);
    expect(hasCircularRefs({ x: { $ref: '#/components/%E0' } })).toBe(true);
  });
});

describe('channelParameterProblems', () => {
  it('checks address variables against parameters, in channels and components', () => {
    const problems = channelParameterProblems({
      channels: { room: { address: '/rooms/{roomId}/{seat}', parameters: { roomId: {} } }, plain: { address: '/ws' } },
      components: { channels: { extra: { address: '/x', parameters: { ghost: {} } } } },
    });
    expect(problems).toEqual([
      'channels.room.parameters: Not all channel\'s parameters are described with "parameters" object. Missed: seat. [asyncapi3-channel-parameters]',
      'components.channels.extra.parameters.ghost: Channel\'s "parameters" object has redundant defined "ghost" parameter. [asyncapi3-channel-parameters]',
    ]);
  });
});

describe('hasCircularRefs', () => {
  const schemas = (s: object) => ({ components: { schemas: s }, x: { $ref: '#/components/schemas/A' } });

  it('is false for a tree of refs', () => {
    expect(hasCircularRefs(schemas({ A: { properties: { b: { $ref: '#/components/schemas/B' } } }, B: { type: 'string' } }))).toBe(false);
  });

  it('finds a schema that refers to itself, directly or through others', () => {
    expect(hasCircularRefs(schemas({ A: { items: { $ref: '#/components/schemas/A' } } }))).toBe(true);
    expect(hasCircularRefs(schemas({ A: { items: { $ref: '#/components/schemas/B' } }, B: { items: { $ref: '#/components/schemas/A' } } }))).toBe(true);
  });

  it('counts a ref to an enclosing object as circular, and one into a part of itself as not', () => {
    expect(hasCircularRefs(schemas({ A: { properties: { b: { items: { $ref: '#/components/schemas' } } } } }))).toBe(true);
    expect(hasCircularRefs(schemas({ A: { properties: { b: { type: 'string' }, c: { $ref: '#/components/schemas/A/properties/b' } } } }))).toBe(false);
  });

  it('is conservative about refs it cannot follow', () => {
    expect(hasCircularRefs(schemas({ A: { $ref: 'other.yaml#/A' } }))).toBe(true);
    expect(hasCircularRefs(schemas({ A: { $ref: '#/components/schemas/Missing' } }))).toBe(true);
  });

  it('agrees with the fixtures: full.yaml has cycles, minimal.yaml none', () => {
    expect(hasCircularRefs(bundleDocument(fixture('valid', 'full.yaml')).document)).toBe(true);
    expect(hasCircularRefs(bundleDocument(fixture('valid', 'minimal.yaml')).document)).toBe(false);
  });
});

describe('pruneSchema', () => {
  // Ajv as Spectral sets it up for the AsyncAPI schema (all errors, lax, formats, ajv-errors).
  const compile = (schema: unknown) => {
    const ajv = new Ajv({ allErrors: true, messages: true, strict: false, allowUnionTypes: true, logger: false, unicodeRegExp: false });
    addFormats(ajv);
    ajvErrors(ajv);
    return ajv.compile(schema as object);
  };
  const asyncapiSchema = getSchema(new Set([AsyncAPIFormats.get('3.0.0')]) as never, false) as { definitions: Record<string, unknown> };
  const full = compile(asyncapiSchema);
  // Without `schemaPath`: Ajv inlines a smaller referenced schema where it compiled the whole one
  // as a function of its own, which changes only that path, which neither Spectral's schema
  // function nor better-ajv-errors reads (they use keyword, instancePath, params, message).
  const errorsWith = (validate: ReturnType<typeof compile>, document: object) =>
    validate(document) ? [] : validate.errors!.map(({ schemaPath: _, ...e }) => structuredClone(e));
  const keys = (v: unknown): Set<string> => {
    const out = new Set<string>();
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) (out.add(k), walk(y));
    };
    walk(v);
    return out;
  };
  const minimal = bundleDocument(fixture('valid', 'minimal.yaml')).document as Record<string, any>;
  const variants: Array<{ name: string; document: object }> = [
    ...fixtureDocuments(),
    { name: 'specs/niyantha/asyncapi.yaml', document: bundleDocument(join(repoRoot, 'specs/niyantha/asyncapi.yaml')).document },
    { name: 'a misspelt key', document: { ...minimal, info: { ...minimal.info, titel: 'x' } } },
    { name: 'bindings of the wrong shape', document: { ...minimal, servers: { s: { host: 'h', protocol: 'ws', bindings: { ws: { bindingVersion: '0.1.0', query: 5 }, kafka: 'no' } } } } },
    { name: 'a $ref where none is allowed', document: { ...minimal, info: { $ref: '#/components/x' } } },
    { name: 'an Avro payload that is not Avro', document: { ...minimal, components: { ...minimal.components, messages: { m: { payload: { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: { type: 5 } } } } } } },
  ];

  for (const { name, document } of variants) {
    it(`${name}: the pruned schema gives the errors of the whole one`, () => {
      expect(errorsWith(compile(pruneSchema(asyncapiSchema, keys(document))), document)).toStrictEqual(errorsWith(full, document));
    });
  }

  it('finds errors in the variants (the comparison is not vacuous)', () => {
    for (const v of variants.slice(-4)) expect(errorsWith(full, v.document), v.name).not.toEqual([]);
  });

  it('empties only the entries of keys the document lacks, and keeps their names', () => {
    const server = (s: unknown) => (s as { definitions: Record<string, { properties: Record<string, unknown> }> }).definitions['http://asyncapi.com/definitions/3.0.0/server.json']!.properties;
    const without = server(pruneSchema(asyncapiSchema, new Set([...keys(minimal), 'host'])));
    const withBindings = server(pruneSchema(asyncapiSchema, new Set([...keys(minimal), 'host', 'bindings'])));
    expect(Object.keys(without)).toEqual(Object.keys(server(asyncapiSchema)));
    expect(without.bindings).toEqual({});
    expect(withBindings.bindings).toEqual(server(asyncapiSchema).bindings);
    expect(without.host).toEqual(server(asyncapiSchema).host);
  });

  it('the validating parser still reports a $ref placed where none is allowed, as the parser does', async () => {
    const document = { ...minimal, info: { ...minimal.info, contact: { $ref: '#/components/schemas/Ping' } } };
    const misplaced = (o: { diagnostics: Array<{ code: string | number; message: string; path: Array<string | number> }> }) =>
      o.diagnostics.filter((d) => d.code === 'asyncapi-document-unresolved').map((d) => `${d.path.join('.')}: ${d.message}`);
    const theirs = misplaced(await new Parser().parse(structuredClone(document) as never));
    expect(theirs.length).toBeGreaterThan(0);
    expect(misplaced(await new Parser({ ruleset: parserRuleset({ validate: true, circular: false }) as never }).parse(structuredClone(document) as never))).toEqual(theirs);
  });
});
