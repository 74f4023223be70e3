// The generator validates with the parser's core ruleset minus the two rules that walk the
// resolved document, plus their stand-ins (src/document-checks.ts). These tests hold it to the
// parser's own full validation: every fixture document is rejected by one exactly when it is
// rejected by the other, and the stand-ins are checked on their own.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { bundleDocument } from '../src/bundle';
import { channelParameterProblems, hasCircularRefs, parserRuleset, refKindProblems } from '../src/document-checks';
import { fixture } from './helpers';

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
