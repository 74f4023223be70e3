// Spec comparators on fixture spec pairs (scripts/test/fixtures/review/): every kind of
// change, breaking and non-breaking, OpenAPI and AsyncAPI — called as functions on two
// documents, no git involved. Plus the semver policy and changeset parsing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM scripts without type declarations
import { dereference, readYaml } from '../review/load.mjs';
// @ts-ignore
import { compareOpenApi } from '../review/openapi-diff.mjs';
// @ts-ignore
import { compareAsyncApi } from '../review/asyncapi-diff.mjs';
// @ts-ignore
import { compareSchema, genericDiff, morePaths } from '../review/schema-diff.mjs';
// @ts-ignore
import { bumpFor, maxBump, nextVersion } from '../review/semver.mjs';
// @ts-ignore
import { declaredBumps, readChangesets } from '../review/changesets.mjs';
// @ts-ignore
import { dependentsOf, discoverPackages, discoverSpecs, packagesForSpec } from '../lib/discover.mjs';

interface Change {
  severity: 'breaking' | 'behaviour' | 'non-breaking' | 'docs' | 'unclassified';
  code: string;
  where: string;
  message: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const fx = (p: string) => join(here, 'fixtures/review', p);
const baseOpenapi = () => dereference(fx('repo/specs/demo/openapi.yaml'));
const baseAsyncapi = () => dereference(fx('repo/specs/demo/asyncapi.yaml'));
const clone = <T>(v: T): T => structuredClone(v);

/** "code @ where" for every change of a severity. */
const of = (changes: Change[], severity: Change['severity']) => changes.filter((c) => c.severity === severity).map((c) => `${c.code} @ ${c.where}`);
const has = (changes: Change[], severity: Change['severity'], code: string, where?: string) =>
  changes.some((c) => c.severity === severity && c.code === code && (where === undefined || c.where.startsWith(where)));

describe('OpenAPI comparator', () => {
  it('finds nothing between a document and itself', () => {
    expect(compareOpenApi(baseOpenapi(), baseOpenapi())).toEqual([]);
  });

  it('classifies every breaking change of the breaking pair (refs into another file included)', () => {
    const changes: Change[] = compareOpenApi(baseOpenapi(), dereference(fx('pairs/openapi-breaking.yaml')));
    const breaking = of(changes, 'breaking');
    expect(breaking).toEqual(
      expect.arrayContaining([
        'operation-removed @ GET /health',
        'request-field-made-required @ POST /authtokens request body (application/json)',
        'request-enum-value-removed @ POST /authtokens request body (application/json)',
        'type-changed @ POST /authtokens response 200 (application/json)',
        'security-changed @ GET /keys',
        'parameter-made-required @ GET /keys',
        'required-parameter-added @ GET /keys',
        // the shared key schema lives in schemas/key-v2.yaml: its changes reach every operation using it
        'response-field-removed @ GET /keys response 200 (application/json)',
        'response-field-removed @ POST /keys response 201 (application/json)',
        'response-field-removed @ POST /keys/{id}/expire response 200 (application/json)',
        'response-enum-value-added @ GET /keys response 200 (application/json)',
        'request-required-field-added @ POST /keys request body (application/json)',
        'response-status-removed @ POST /keys/{id}/expire',
      ]),
    );
    expect(changes.find((c) => c.code === 'response-field-removed')!.message).toContain('`items[].username`');
    expect(changes.find((c) => c.code === 'type-changed')!.message).toContain('`expiry` type changed from integer to string');
    // the additive parts of the same pair are not called breaking
    expect(of(changes, 'non-breaking')).toEqual([
      'security-scheme-added @ components.securitySchemes',
      // `expiry` became a string with format date-time: the format is reported too (a narrower output)
      'format-added @ POST /authtokens response 200 (application/json)',
      'response-status-added @ POST /keys/{id}/expire',
    ]);
    // nothing left unexplained; the document version is documentation
    expect(of(changes, 'unclassified')).toEqual([]);
    expect(changes.find((c) => c.severity === 'docs')!.message).toContain('/info/version');
  });

  it('classifies every additive change of the additive pair as non-breaking', () => {
    const changes: Change[] = compareOpenApi(baseOpenapi(), dereference(fx('pairs/openapi-additive.yaml')));
    expect(of(changes, 'breaking')).toEqual([]);
    expect(of(changes, 'non-breaking')).toEqual(
      expect.arrayContaining([
        'operation-added @ GET /keys/{id}',
        'optional-parameter-added @ GET /keys',
        'request-optional-field-added @ POST /keys request body (application/json)',
        'request-field-made-optional @ POST /authtokens request body (application/json)',
        'request-enum-value-added @ POST /authtokens request body (application/json)',
        'response-field-added @ POST /authtokens response 200 (application/json)',
        'response-enum-value-removed @ GET /health response 200 (application/json)',
        'response-status-added @ POST /keys/{id}/expire',
        'security-alternative-added @ GET /keys',
        'security-scheme-added @ components.securitySchemes',
      ]),
    );
  });

  it('reports description/summary/example edits as docs-only', () => {
    const changes: Change[] = compareOpenApi(baseOpenapi(), dereference(fx('pairs/openapi-docs.yaml')));
    expect(changes.map((c) => c.severity)).toEqual(['docs']);
    expect(changes[0]!.message).toContain('/info/description');
  });

  it('handles each remaining kind of change on its own', () => {
    const cases: [string, (d: any) => void, Change['severity'], string][] = [
      ['request body removed', (d) => delete d.paths['/keys'].post.requestBody, 'breaking', 'request-body-removed'],
      ['request body made required', (d) => (d.paths['/keys'].post.requestBody.required = false), 'non-breaking', 'request-body-made-optional'],
      ['request media type removed', (d) => (d.paths['/keys'].post.requestBody.content = { 'application/x-www-form-urlencoded': d.paths['/keys'].post.requestBody.content['application/json'] }), 'breaking', 'request-media-type-removed'],
      ['response media type removed', (d) => delete d.paths['/health'].get.responses['200'].content, 'breaking', 'response-media-type-removed'],
      ['parameter removed', (d) => (d.paths['/keys'].get.parameters = d.paths['/keys'].get.parameters.slice(1)), 'breaking', 'parameter-removed'],
      ['parameter retyped', (d) => (d.paths['/keys/{id}/expire'].post.parameters[0].schema = { type: 'string' }), 'breaking', 'type-changed'],
      ['parameter widened', (d) => (d.paths['/keys/{id}/expire'].post.parameters[0].schema = { type: 'number' }), 'non-breaking', 'type-changed'],
      ['request constraint tightened', (d) => (d.components.schemas.TokenRequest.properties.tokenDurationInMins.maximum = 60), 'breaking', 'constraint-tightened'],
      ['operationId changed', (d) => (d.paths['/keys'].get.operationId = 'listApiKeys'), 'breaking', 'operation-id-changed'],
      ['security required where there was none', (d) => (d.paths['/health'].get.security = [{ bearerAuth: [] }]), 'breaking', 'security-changed'],
      ['security scheme changed', (d) => (d.components.securitySchemes.bearerAuth = { type: 'apiKey', in: 'header', name: 'X-Key' }), 'breaking', 'security-scheme-changed'],
      ['server removed', (d) => (d.servers = [{ url: 'https://other.invalid' }]), 'breaking', 'server-removed'],
      ['component schema removed', (d) => delete d.components.schemas.Error, 'breaking', 'component-schema-removed'],
      ['response field made optional', (d) => (d.components.schemas.Token.required = ['token']), 'breaking', 'response-field-made-optional'],
      ['response field made required', (d) => (d.components.schemas.Token.required = ['token', 'expiry', 'email']), 'non-breaking', 'response-field-made-required'],
      ['operation deprecated', (d) => (d.paths['/keys'].get.deprecated = true), 'non-breaking', 'operation-deprecated'],
    ];
    for (const [label, mutate, severity, code] of cases) {
      const raw = dereference(fx('repo/specs/demo/openapi.yaml'));
      const head = clone(raw);
      mutate(head);
      const changes: Change[] = compareOpenApi(raw, head);
      expect(has(changes, severity, code), `${label}: ${JSON.stringify(changes)}`).toBe(true);
    }
  });

  it('flags a structural change it cannot classify for review instead of ignoring it', () => {
    const raw = baseOpenapi();
    const head = clone(raw);
    head.paths['/keys'].get['x-rate-limit'] = 10;
    const changes: Change[] = compareOpenApi(raw, head);
    expect(changes.map((c) => c.severity)).toEqual(['unclassified']);
    expect(changes[0]!.message).toContain('`/paths/~1keys/get/x-rate-limit`');
  });

  it('reports what no rule claims for review even when other changes are classified (fixture pair)', () => {
    const changes: Change[] = compareOpenApi(dereference(fx('pairs/openapi-unclaimed/base.yaml')), dereference(fx('pairs/openapi-unclaimed/head.yaml')));
    expect(of(changes, 'non-breaking')).toEqual(['response-status-added @ GET /orders', 'request-default-added @ POST /orders request body (application/json)']);
    expect(of(changes, 'breaking')).toEqual([]);
    const review = changes.filter((c) => c.severity === 'unclassified');
    expect(review.map((c) => c.code)).toEqual(['request-default-changed', 'unclassified-change']);
    expect(review[0]!.message).toBe('`currency` default changed from "INR" to "USD": requests that omit it now get another value — review by hand');
    // every unexplained path, with the classified changes around them; a field named `description` is not documentation
    expect(review[1]!.message).toBe(
      '4 structural change(s) no rule classifies — review by hand: ' +
        '`/paths/~1orders/post/requestBody/content/application~1json/schema/properties/items/uniqueItems`, ' +
        '`/paths/~1orders/post/requestBody/content/application~1json/schema/properties/description/x-internal`, ' +
        '`/paths/~1orders/post/x-rate-limit`, `/components/schemas/Unused/properties/note/type`',
    );
    expect(changes.find((c) => c.code === 'request-default-added')!.message).toBe('`quantity` defaults to 1 when omitted (the field stays optional)');
  });

  it('classifies x-idempotent changes by the retry behaviour they change (fixture pair)', () => {
    const changes: Change[] = compareOpenApi(dereference(fx('pairs/openapi-unclaimed/base.yaml')), dereference(fx('pairs/openapi-unclaimed/head.yaml')));
    // removing `x-idempotent: true` from a POST: the client stops retrying it; adding it: the client starts
    expect(of(changes, 'behaviour')).toEqual(['retry-safety-removed @ POST /orders/{id}/accept', 'retry-safety-added @ POST /orders/{id}/recompute']);
    expect(changes.find((c) => c.code === 'retry-safety-removed')!.message).toMatch(/^x-idempotent true → \(none\): the client no longer retries this operation/);
    // marking a GET idempotent restates the method's default: no behaviour change, documentation
    expect(of(changes, 'docs')).toEqual(['retry-safety-restated @ GET /orders', 'docs-changed @ document']);
    // x-idempotent: false on a GET stops its retries too
    const raw = baseOpenapi();
    const head = clone(raw);
    head.paths['/keys'].get['x-idempotent'] = false;
    expect(of(compareOpenApi(raw, head), 'behaviour')).toEqual(['retry-safety-removed @ GET /keys']);
  });

  it('lists every unexplained difference (no silent cap) and says how many are not shown', () => {
    const base = { paths: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`/p${i}`, { get: { 'x-n': 1 } }])) };
    const head = structuredClone(base);
    for (const item of Object.values(head.paths)) item.get['x-n'] = 2;
    const { structural } = genericDiff(base, head);
    expect(structural.length).toBe(60);
    expect(morePaths(structural)).toMatch(/`\/paths\/~1p7\/get\/x-n` … and 52 more$/);
    const changes: Change[] = compareOpenApi({ openapi: '3.1.0', ...base }, { openapi: '3.1.0', ...head });
    expect(changes[0]!.message).toMatch(/^60 structural change\(s\) no rule classifies — review by hand: .* … and 52 more$/);
  });

  it('terminates on recursive schemas', () => {
    const tree = (extra: object) => {
      const node: any = { type: 'object', properties: { name: { type: 'string' }, ...extra } };
      node.properties.children = { type: 'array', items: node };
      return node;
    };
    const out: Change[] = [];
    compareSchema(tree({}), tree({ size: { type: 'integer' } }), 'response', 'tree', out);
    expect(out.map((c) => c.code)).toEqual(['response-field-added']);
  });
});

describe('AsyncAPI comparator', () => {
  it('finds nothing between a document and itself', () => {
    expect(compareAsyncApi(baseAsyncapi(), baseAsyncapi())).toEqual([]);
  });

  it('classifies the breaking pair at payload level', () => {
    const changes: Change[] = compareAsyncApi(baseAsyncapi(), dereference(fx('pairs/asyncapi-breaking.yaml')));
    expect(of(changes, 'breaking')).toEqual(
      expect.arrayContaining([
        'reply-changed @ request `keys.list`',
        'stream-changed @ request `keys.export`',
        'event-removed @ event `account.updated`',
        'request-enum-value-removed @ message `auth.login` payload',
        'request-field-made-required @ message `auth.login` payload',
        'response-field-removed @ message `auth.success` payload',
        'type-changed @ message `keys.export.ok` payload',
      ]),
    );
    expect(changes.find((c) => c.code === 'reply-changed')!.message).toBe('reply changed: keys.list.ok (reply) → keys.export.ok (reply)');
    expect(changes.find((c) => c.code === 'response-field-removed')!.message).toContain('`payload.role`');
  });

  it('classifies the additive pair as non-breaking', () => {
    const changes: Change[] = compareAsyncApi(baseAsyncapi(), dereference(fx('pairs/asyncapi-additive.yaml')));
    expect(of(changes, 'breaking')).toEqual([]);
    expect(of(changes, 'non-breaking').sort()).toEqual(
      [
        'error-reply-added @ request `keys.list`',
        'message-added @ request `keys.get`',
        'event-added @ event `key.expired`',
        'request-optional-field-added @ message `auth.login` payload',
        'response-field-added @ message `auth.success` payload',
      ].sort(),
    );
  });

  it('reports what no rule claims for review even when other changes are classified (fixture pair)', () => {
    const changes: Change[] = compareAsyncApi(baseAsyncapi(), dereference(fx('pairs/asyncapi-unclaimed.yaml')));
    expect(changes.map((c) => `${c.severity} ${c.code}`)).toEqual(['non-breaking request-optional-field-added', 'unclassified unclassified-change']);
    expect(changes[1]!.message).toBe(
      '2 structural change(s) no rule classifies — review by hand: ' +
        '`/channels/ws/messages/authLogin/payload/properties/payload/properties/metadata/properties/secret/x-s2sdk-credential`, `/operations/keysList/x-s2sdk-priority`',
    );
  });

  it('handles the remaining kinds of change on their own', () => {
    const cases: [string, (d: any) => void, Change['severity'], string][] = [
      ['request removed', (d) => delete d.operations.keysList, 'breaking', 'message-removed'],
      ['auth flag removed', (d) => delete d.operations.authLogin['x-s2sdk-auth'], 'breaking', 'auth-changed'],
      ['reply enum value added', (d) => d.components.messages.authSuccess.payload.properties.payload.properties.role.enum.push('store'), 'breaking', 'response-enum-value-added'],
      ['reply enum value removed', (d) => (d.components.messages.accountUpdated.payload.properties.payload.properties.status.enum = ['active']), 'non-breaking', 'response-enum-value-removed'],
      ['correlation id moved', (d) => (d.components.messages.keysList.correlationId = { location: '$message.header#/id' }), 'breaking', 'correlation-changed'],
      ['server changed', (d) => (d.servers.production.host = 'ws.demo.invalid'), 'breaking', 'server-changed'],
    ];
    for (const [label, mutate, severity, code] of cases) {
      const raw = dereference(fx('repo/specs/demo/asyncapi.yaml'));
      // mutate the document before dereferencing, so a change to a component reaches every use
      const headRaw = readYaml(fx('repo/specs/demo/asyncapi.yaml'));
      mutate(headRaw);
      const head = dereference({ doc: headRaw, file: fx('repo/specs/demo/asyncapi.yaml') });
      const changes: Change[] = compareAsyncApi(raw, head);
      expect(has(changes, severity, code), `${label}: ${JSON.stringify(changes)}`).toBe(true);
    }
  });
});

describe('semver policy and changesets', () => {
  it('maps impact to a bump, with the 0.x policy (breaking → minor, additive → patch)', () => {
    expect(bumpFor('major', '1.4.2')).toBe('major');
    expect(bumpFor('minor', '1.4.2')).toBe('minor');
    expect(bumpFor('patch', '1.4.2')).toBe('patch');
    expect(bumpFor('major', '0.1.0')).toBe('minor');
    expect(bumpFor('minor', '0.1.0')).toBe('patch');
    expect(bumpFor('patch', '0.1.0')).toBe('patch');
    expect(bumpFor('none', '0.1.0')).toBe('none');
    expect(maxBump('patch', 'major', 'minor')).toBe('major');
    expect(nextVersion('0.1.3', 'minor')).toBe('0.2.0');
    expect(nextVersion('1.2.3', 'major')).toBe('2.0.0');
  });

  it('reads pending changesets and keeps the highest bump per package', () => {
    const root = mkdtempSync(join(tmpdir(), 's2sdk-changesets-'));
    try {
      mkdirSync(join(root, '.changeset'));
      writeFileSync(join(root, '.changeset/README.md'), '# not a changeset\n');
      writeFileSync(join(root, '.changeset/config.json'), '{}');
      writeFileSync(join(root, '.changeset/one.md'), '---\n"@s2sdk/core": patch\n"@s2sdk/theodore": minor\n---\n\nFix.\n');
      writeFileSync(join(root, '.changeset/two.md'), "---\n'@s2sdk/core': major\n---\n\nBreak.\n");
      const sets = readChangesets(root);
      expect(sets.map((s: { file: string }) => s.file)).toEqual(['.changeset/one.md', '.changeset/two.md']);
      const declared = declaredBumps(sets);
      expect(declared.get('@s2sdk/core')).toBe('major');
      expect(declared.get('@s2sdk/theodore')).toBe('minor');
      writeFileSync(join(root, '.changeset/bad.md'), '---\n"@s2sdk/core": huge\n---\n');
      expect(() => readChangesets(root)).toThrow(/unknown bump "huge"/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('discovery', () => {
  it('finds specs and public packages and links them through the s2sdk fields', () => {
    const root = fx('repo');
    const specs = discoverSpecs(root);
    expect(specs.map((s: { path: string }) => s.path)).toEqual(['specs/demo/openapi.yaml', 'specs/demo/asyncapi.yaml']);
    const pkgs = discoverPackages(root);
    expect(pkgs.map((p: { name: string }) => p.name)).toEqual(['@fixture/demo', '@fixture/demo-core', '@fixture/demo-ws']);
    expect(discoverPackages(root, { includePrivate: true }).map((p: { name: string }) => p.name)).toContain('@fixture/demo-private');
    expect(packagesForSpec(specs[0], pkgs).map((p: { name: string }) => p.name)).toEqual(['@fixture/demo']);
    expect(packagesForSpec(specs[1], pkgs).map((p: { factory: string }) => p.factory)).toEqual(['connectDemoWs']);
    expect(dependentsOf('@fixture/demo-core', pkgs)).toEqual(['@fixture/demo', '@fixture/demo-ws']);
  });
});
