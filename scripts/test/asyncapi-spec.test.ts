// Checks of specs/niyantha/asyncapi.yaml (the Niyantha S2S WebSocket document):
// - it parses with @asyncapi/parser 3.6.3 without errors or warnings (relative $refs resolved from the file);
// - it holds exactly the seed's 76 request types (+ the documented additions), each a request/reply
//   operation following docs/ARCHITECTURE.md ("AsyncAPI request/reply conventions");
// - every message example validates against its (dereferenced) payload schema with Ajv (JSON Schema 2020-12),
//   and the schemas reject wrong frames;
// - the seed's two sample WebSocket frames validate;
// - the examples of the WebSocket-owned named schemas validate;
// - Spectral (.spectral-asyncapi.yaml) passes on the document and its custom rules flag the bad fixtures.
//
// Run: npx vitest run --root scripts   (config: scripts/vitest.config.ts)
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Parser, fromFile, type AsyncAPIDocumentInterface, type MessageInterface, type OperationInterface } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONVENTION_RULES } from '../../packages/ws-protocol/src/conventions.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const specPath = join(repoRoot, 'specs/niyantha/asyncapi.yaml');
const rulesetPath = join(repoRoot, '.spectral-asyncapi.yaml');
const fixturesDir = join(repoRoot, 'scripts/test/fixtures/asyncapi');
const spectralBin = join(repoRoot, 'node_modules/@stoplight/spectral-cli/dist/index.js');

// The seed's WebSocket message types (own copy of the inventory; the seed files are never read by tests).
const SEED_TYPES: Record<string, string[]> = {
  Authentication: ['auth.login'],
  'Key Management': ['account.keys.create', 'account.keys.list', 'account.keys.expire'],
  'Account Profile': ['account.get', 'account.update', 'account.logout'],
  Stores: ['store.create', 'store.fetch', 'store.get', 'store.update', 'store.status.update', 'store.attach', 'account.stores.fetch', 'account.store.get'],
  Products: [
    'product.create',
    'product.update',
    'product.get',
    'product.list',
    'account.store.products.create',
    'account.store.products.list',
    'account.store.products.get',
    'account.store.products.update',
  ],
  Orders: [
    'account.orders.fetch',
    'account.store.orders.fetch',
    'account.order.get',
    'account.store.order.get',
    'order.accept',
    'order.reject',
    'order.preparing',
    'order.prepared',
    'order.picked',
    'order.delivered',
  ],
  Locations: [
    'location.create',
    'location.fetch',
    'location.search',
    'location.get',
    'location.update',
    'account.location.estimate',
    'account.location.address.coordinates',
    'account.location.coordinates.address',
  ],
  Files: ['account.files.create', 'account.files.get', 'file.stream.start', 'file.stream.complete'],
  Reviews: [
    'account.reviews.create',
    'account.reviews.update',
    'account.reviews.list',
    'account.reviews.get',
    'account.review.replies.list',
    'account.review.like.add',
    'account.review.like.remove',
    'store.reviews.list',
    'store.reviews.get',
    'store.review.replies.list',
  ],
  Networks: [
    'account.network.create',
    'account.network.update',
    'account.network.fetch',
    'account.network.get',
    'account.network.vehicle.request',
    'account.network.vehicle.request.review',
    'account.network.vehicle.attach',
    'account.network.vehicles.list',
  ],
  Vehicles: ['account.vehicle.create', 'account.vehicle.get', 'account.vehicle.fetch'],
  Shipments: ['account.shipment.create', 'account.shipment.fetch', 'account.shipment.get'],
  'AI Characters': ['ai.threads.list', 'ai.threads.create', 'ai.threads.get', 'ai.thread.send', 'ai.thread.send.stream', 'nitha.thread.send.stream'],
  Drivers: ['account.driver.shipments.pending.fetch'],
};
const SEED_TYPE_LIST = Object.values(SEED_TYPES).flat();
/** Request types the document adds to the seed's list (each marked `x-seed-addition: true`, with an `x-decision`). */
const ADDITIONS = ['file.stream.chunk'];
const STREAMING = ['ai.thread.send.stream', 'nitha.thread.send.stream'];

// The seed's two sample frames, <placeholders> replaced by realistic values.
const SEED_AUTH_LOGIN_FRAME = {
  type: 'auth.login',
  requestId: 's2s-auth-1',
  payload: {
    authType: 's2s',
    token: 'nk_pub_7f3c9a21d4e8b605',
    metadata: { secret: 'nk_sec_EXAMPLE_2b9d7c41e0f3a8b6', app: 'anystore', storeId: '301' },
  },
};
const SEED_AUTH_SUCCESS_FRAME = {
  type: 'auth.success',
  requestId: 's2s-auth-1',
  payload: { identityId: 'account-42', role: 'account', context: { accountId: '42' } },
};

const CORRELATION_LOCATION = '$message.payload#/requestId';

// ----------------------------------------------------------------------------- helpers

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** Deep copy of a schema without `x-*` extension keywords (e.g. x-parser-schema-id, x-sensitive), which Ajv's strict mode rejects. */
function stripExtensions(node: unknown, inSchemaMap = false): unknown {
  if (Array.isArray(node)) return node.map((n) => stripExtensions(n));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (!inSchemaMap && k.startsWith('x-')) continue;
    out[k] = inSchemaMap ? stripExtensions(v) : stripExtensions(v, SCHEMA_MAPS.has(k));
  }
  return out;
}

function newAjv() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  return ajv;
}

function roleOf(message: MessageInterface, replyCount: number): string | undefined {
  const role = message.extensions().get('x-s2sdk-role')?.value() as string | undefined;
  return role ?? (replyCount === 1 ? 'reply' : undefined);
}

function typeConst(message: MessageInterface): unknown {
  return (message.payload()?.json() as { properties?: { type?: { const?: unknown } } } | undefined)?.properties?.type?.const;
}

const yamlCache = new Map<string, unknown>();
function loadYaml(file: string): unknown {
  if (!yamlCache.has(file)) yamlCache.set(file, parseYaml(readFileSync(file, 'utf8')));
  return yamlCache.get(file);
}

/** Resolves $refs (local or relative-file + JSON Pointer) of a named schema file, keeping sibling keywords. */
function deref(node: unknown, file: string, depth = 0): unknown {
  if (depth > 64) throw new Error(`$ref chain too deep in ${file}`);
  if (Array.isArray(node)) return node.map((n) => deref(n, file, depth));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === 'string') {
    const [filePart, pointer = ''] = obj.$ref.split('#');
    const target = filePart ? resolve(dirname(file), filePart) : file;
    let resolved: unknown = loadYaml(target);
    for (const seg of pointer.split('/').filter(Boolean)) {
      resolved = (resolved as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (resolved === undefined) throw new Error(`unresolvable $ref ${obj.$ref} in ${relative(repoRoot, file)}`);
    }
    const { $ref: _ignored, ...siblings } = obj;
    return { ...(deref(resolved, target, depth + 1) as object), ...(deref(siblings, file, depth) as object) };
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, deref(v, file, depth)]));
}

// ----------------------------------------------------------------------------- parse once

let doc: AsyncAPIDocumentInterface;
let diagnostics: { severity: number; code: string | number; message: string; path: (string | number)[] }[];
const validators = new Map<string, ReturnType<ReturnType<typeof newAjv>['compile']>>();

function validatorFor(messageId: string) {
  const v = validators.get(messageId);
  if (!v) throw new Error(`no validator for message ${messageId}`);
  return v;
}

beforeAll(async () => {
  const parsed = await fromFile(new Parser(), specPath).parse();
  diagnostics = parsed.diagnostics as typeof diagnostics;
  if (!parsed.document) throw new Error(`the document did not parse:\n${JSON.stringify(parsed.diagnostics, null, 2)}`);
  doc = parsed.document;
  const ajv = newAjv();
  for (const message of doc.messages().all()) {
    validators.set(message.id(), ajv.compile(stripExtensions(message.payload()?.json()) as object));
  }
});

// ----------------------------------------------------------------------------- tests

describe('specs/niyantha/asyncapi.yaml — parser', () => {
  it('parses with @asyncapi/parser without errors or warnings', () => {
    const problems = diagnostics.filter((d) => d.severity <= 1); // 0 error, 1 warning (2 info, 3 hint)
    expect(problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(doc.version()).toBe('3.0.0');
  });

  it('resolves every $ref (no reference left in any message after parsing)', () => {
    // @stoplight/json-ref-resolver 3.1.6 (used by the parser and Spectral) stops following
    // cross-file $refs of a file once that file's runner has been looked up ~100 times (its
    // `uriStack` grows per lookup, see atMaxUriDepth), leaving raw `$ref`s behind WITHOUT a
    // diagnostic. Files that themselves hold cross-file refs must therefore be referenced
    // sparingly (e.g. the envelope's requestId is inline, not a $ref into asyncapi/schemas/ws.yaml).
    const unresolved = doc
      .messages()
      .all()
      .filter((m) => JSON.stringify(m.payload()?.json()).includes('"$ref"'))
      .map((m) => m.id());
    expect(unresolved).toEqual([]);
  });

  it('declares the production wss server and the single /ws channel holding every message', () => {
    const server = doc.servers().get('production');
    expect(server?.host()).toBe('api.niyantha.in');
    expect(server?.protocol()).toBe('wss');
    expect(doc.channels().all().map((c) => [c.id(), c.address()])).toEqual([['ws', '/ws']]);
    const channel = doc.channels().get('ws')!;
    expect(channel.messages().all().map((m) => m.id()).sort()).toEqual(doc.messages().all().map((m) => m.id()).sort());
  });
});

describe('specs/niyantha/asyncapi.yaml — operations', () => {
  const ops = () => doc.operations().all();
  const opById = (id: string) => doc.operations().get(id) as OperationInterface;

  it('the seed inventory copy has 76 distinct types', () => {
    expect(SEED_TYPE_LIST).toHaveLength(76);
    expect(new Set(SEED_TYPE_LIST).size).toBe(76);
  });

  it('has exactly the 76 seed request types plus the documented additions, all as send operations', () => {
    expect(ops().every((o) => o.action() === 'send')).toBe(true);
    const requestTypes = ops().map((o) => typeConst(o.messages().all()[0]!));
    expect([...requestTypes].sort()).toEqual([...SEED_TYPE_LIST, ...ADDITIONS].sort());
    const additions = ops().filter((o) => o.extensions().get('x-seed-addition')?.value() === true);
    expect(additions.map((o) => o.id())).toEqual(ADDITIONS);
    for (const o of additions) expect(String(o.extensions().get('x-decision')?.value() ?? '')).toMatch(/seed/);
  });

  it('keys every operation by its request type, with one request message of that type on the ws channel', () => {
    for (const o of ops()) {
      expect(o.channels().all().map((c) => c.id()), o.id()).toEqual(['ws']);
      const msgs = o.messages().all();
      expect(msgs, o.id()).toHaveLength(1);
      expect(typeConst(msgs[0]!), o.id()).toBe(o.id());
      expect(o.description(), o.id()).toBeTruthy();
      expect(o.summary(), o.id()).toBeTruthy();
    }
  });

  it('gives every request a reply: one success reply, the error reply, and chunks only when streaming', () => {
    for (const o of ops()) {
      const reply = o.reply();
      expect(reply, `${o.id()} has a reply`).toBeTruthy();
      expect(reply!.channel()?.id(), o.id()).toBe('ws');
      const msgs = reply!.messages().all();
      const byRole = (r: string) => msgs.filter((m) => roleOf(m, msgs.length) === r).map((m) => m.id());
      const streaming = o.extensions().get('x-s2sdk-stream')?.value() === true;
      const isAuth = o.extensions().get('x-s2sdk-auth')?.value() === true;
      expect(msgs.every((m) => ['reply', 'error', 'chunk'].includes(roleOf(m, msgs.length) ?? '')), o.id()).toBe(true);
      expect(byRole('reply'), o.id()).toEqual([isAuth ? 'auth.success' : `${o.id()}.ok`]);
      expect(byRole('error'), o.id()).toEqual([isAuth ? 'auth.failure' : 'error']);
      expect(byRole('chunk'), o.id()).toEqual(streaming ? [`${o.id()}.chunk`] : []);
      for (const m of msgs) expect(typeConst(m), m.id()).toBe(m.id());
    }
  });

  it('marks exactly auth.login as the authentication request and the two AI sends as streams', () => {
    expect(ops().filter((o) => o.extensions().get('x-s2sdk-auth')?.value() === true).map((o) => o.id())).toEqual(['auth.login']);
    expect(ops().filter((o) => o.extensions().get('x-s2sdk-stream')?.value() === true).map((o) => o.id()).sort()).toEqual([...STREAMING].sort());
  });

  it('uses every channel message in some operation (no orphans)', () => {
    const used = new Set<string>();
    for (const o of ops()) {
      for (const m of o.messages().all()) used.add(m.id());
      for (const m of o.reply()?.messages().all() ?? []) used.add(m.id());
    }
    expect(doc.messages().all().map((m) => m.id()).filter((id) => !used.has(id))).toEqual([]);
  });

  it('file upload: start → chunk (ack = progress) → complete (File)', () => {
    const props = (id: string) => Object.keys((doc.messages().get(id)!.payload()!.json() as { properties: { payload: { properties: object } } }).properties.payload.properties).sort();
    expect(props('file.stream.start')).toEqual(['content_type', 'name', 'sha256', 'size']);
    expect(props('file.stream.start.ok')).toEqual(['chunk_size', 'expires_at', 'upload_id']);
    expect(props('file.stream.chunk')).toEqual(['data', 'seq', 'upload_id']);
    expect(props('file.stream.chunk.ok')).toEqual(expect.arrayContaining(['received_bytes', 'total_bytes', 'upload_id']));
    expect(props('file.stream.complete')).toEqual(['upload_id']);
    expect(props('file.stream.complete.ok')).toEqual(expect.arrayContaining(['content_type', 'id', 'name', 'size', 'url']));
    const desc = opById('file.stream.chunk').description() ?? '';
    for (const code of ['chunk_out_of_order', 'upload_size_mismatch', 'upload_expired']) expect(desc).toContain(code);
    expect(opById('file.stream.complete').description()).toContain('upload_size_mismatch');
  });
});

describe('specs/niyantha/asyncapi.yaml — messages', () => {
  it('every message has name (= its type), title, summary, correlationId on requestId and at least one example', () => {
    for (const m of doc.messages().all()) {
      expect(m.name(), m.id()).toBe(m.id());
      expect(m.title(), m.id()).toBeTruthy();
      expect(m.summary(), m.id()).toBeTruthy();
      expect(m.correlationId()?.location(), m.id()).toBe(CORRELATION_LOCATION);
      expect(m.examples().length, m.id()).toBeGreaterThan(0);
    }
  });

  it('every payload is the envelope { type: const, requestId: string, payload }', () => {
    for (const m of doc.messages().all()) {
      const p = m.payload()!.json() as { type: string; required: string[]; properties: Record<string, { type?: string; const?: string }> };
      expect(p.type, m.id()).toBe('object');
      expect([...p.required].sort(), m.id()).toEqual(['payload', 'requestId', 'type']);
      expect(p.properties.type, m.id()).toMatchObject({ type: 'string', const: m.id() });
      expect(p.properties.requestId?.type, m.id()).toBe('string');
      expect(p.properties.payload, m.id()).toBeTruthy();
    }
  });

  it('every message example validates against its payload schema (Ajv, JSON Schema 2020-12)', () => {
    const failures: string[] = [];
    let count = 0;
    for (const m of doc.messages().all()) {
      const validate = validatorFor(m.id());
      for (const ex of m.examples().all()) {
        count++;
        if (!validate(ex.payload())) failures.push(`${m.id()} example ${ex.name() ?? '?'}: ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(doc.messages().length);
  });

  it('request and reply examples of one operation share their requestId (correlation)', () => {
    for (const o of doc.operations().all()) {
      const reqIds = new Set(o.messages().all()[0]!.examples().all().map((e) => (e.payload() as { requestId: string }).requestId));
      const replyMsg = o.reply()!.messages().all().find((m) => roleOf(m, 2) === 'reply')!;
      const replyIds = replyMsg.examples().all().map((e) => (e.payload() as { requestId: string }).requestId);
      expect(replyIds.some((id) => reqIds.has(id)), o.id()).toBe(true);
    }
  });

  it('the schemas reject frames of the wrong type, without requestId, or with an invalid payload', () => {
    const storeGet = validatorFor('store.get');
    expect(storeGet({ type: 'store.get', requestId: 'r1', payload: { store_id: 301 } })).toBe(true);
    expect(storeGet({ type: 'store.fetch', requestId: 'r1', payload: { store_id: 301 } })).toBe(false);
    expect(storeGet({ type: 'store.get', payload: { store_id: 301 } })).toBe(false);
    expect(storeGet({ type: 'store.get', requestId: 'r1', payload: { store_id: 0 } })).toBe(false);
    expect(storeGet({ type: 'store.get', requestId: 'r1', payload: { store_id: 301, extra: true } })).toBe(false);
    const create = validatorFor('account.keys.create');
    expect(create({ type: 'account.keys.create', requestId: 'r2', payload: { name: 'primary', ttl_seconds: 86400, expires_at: 1739580000 } })).toBe(false);
    const error = validatorFor('error');
    expect(error({ type: 'error', requestId: 'r3', payload: { code: 'not_found', message: 'Store 1 was not found' } })).toBe(true);
    expect(error({ type: 'error', requestId: 'r3', payload: { message: 'no code' } })).toBe(false);
    const chunk = validatorFor('ai.thread.send.stream.chunk');
    expect(chunk({ type: 'ai.thread.send.stream.chunk', requestId: 'r4', payload: { thread_id: 7712, index: 0, delta: 'Hi' } })).toBe(true);
    expect(chunk({ type: 'ai.thread.send.stream.chunk', requestId: 'r4', payload: { thread_id: 7712, index: -1, delta: 'Hi' } })).toBe(false);
    const upload = validatorFor('file.stream.chunk');
    expect(upload({ type: 'file.stream.chunk', requestId: 'r5', payload: { upload_id: 'u', seq: 0, data: 'not base64!' } })).toBe(false);
  });

  it('documents the shared error message with its codes (ErrorBody payload, role error)', () => {
    const error = doc.messages().get('error')!;
    expect(error.extensions().get('x-s2sdk-role')?.value()).toBe('error');
    const codes = (error.extensions().get('x-s2sdk-error-codes')?.value() as { code: string }[]).map((c) => c.code);
    for (const code of ['unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'rate_limited', 'internal_error', 'api_key_expired', 'conflict']) {
      expect(codes).toContain(code);
      expect(error.description()).toContain(`\`${code}\``);
    }
    const payload = (error.payload()!.json() as { properties: { payload: { required: string[]; properties: object } } }).properties.payload;
    expect(payload.required).toEqual(['code', 'message']);
    expect(Object.keys(payload.properties).sort()).toEqual(['code', 'details', 'message']);
  });
});

describe('the seed sample frames', () => {
  it('auth.login validates and is an example of the auth.login message', () => {
    expect(validatorFor('auth.login')(SEED_AUTH_LOGIN_FRAME), JSON.stringify(validatorFor('auth.login').errors)).toBe(true);
    expect(doc.messages().get('auth.login')!.examples().all().map((e) => e.payload())).toContainEqual(SEED_AUTH_LOGIN_FRAME);
  });

  it('auth.success validates and is an example of the auth.success message', () => {
    expect(validatorFor('auth.success')(SEED_AUTH_SUCCESS_FRAME), JSON.stringify(validatorFor('auth.success').errors)).toBe(true);
    expect(doc.messages().get('auth.success')!.examples().all().map((e) => e.payload())).toContainEqual(SEED_AUTH_SUCCESS_FRAME);
  });

  it('auth.login rejects another authType and a missing secret', () => {
    const v = validatorFor('auth.login');
    const frame = structuredClone(SEED_AUTH_LOGIN_FRAME) as { payload: { authType: string; metadata: Partial<typeof SEED_AUTH_LOGIN_FRAME.payload.metadata> } };
    frame.payload.authType = 'jwt';
    expect(v(frame)).toBe(false);
    const noSecret = structuredClone(SEED_AUTH_LOGIN_FRAME) as typeof frame;
    delete noSecret.payload.metadata.secret;
    expect(v(noSecret)).toBe(false);
  });
});

describe('WebSocket-owned named schemas', () => {
  const files = ['specs/niyantha/schemas/reviews.yaml', 'specs/niyantha/schemas/ai.yaml', 'specs/niyantha/asyncapi/schemas/ws.yaml'];
  it.each(files)('every schema example in %s validates against its schema', (rel) => {
    const file = join(repoRoot, rel);
    const named = loadYaml(file) as Record<string, { examples?: Json[] }>;
    const ajv = newAjv();
    const failures: string[] = [];
    let count = 0;
    for (const [name, schema] of Object.entries(named)) {
      const resolved = stripExtensions(deref(schema, file)) as Record<string, unknown>;
      const validate = ajv.compile(resolved);
      for (const example of schema.examples ?? []) {
        count++;
        if (!validate(example)) failures.push(`${name}: ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(0);
  });
});

// ----------------------------------------------------------------------------- Spectral

interface SpectralResult {
  code: string;
  message: string;
  severity: number;
  source?: string;
  path: (string | number)[];
}

const run = promisify(execFile);
async function spectral(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [spectralBin, 'lint', ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('Spectral (.spectral-asyncapi.yaml)', () => {
  const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('.asyncapi.yaml')).sort();
  let results: SpectralResult[];
  let cli: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    const [json, plain] = await Promise.all([
      spectral([specPath, ...fixtures.map((f) => join(fixturesDir, f)), '--ruleset', rulesetPath, '-f', 'json']),
      spectral([relative(repoRoot, specPath), '--ruleset', relative(repoRoot, rulesetPath), '--fail-severity=warn']),
    ]);
    cli = plain;
    results = JSON.parse(json.stdout) as SpectralResult[];
  });

  const resultsFor = (file: string) => results.filter((r) => r.source !== undefined && resolve(r.source) === resolve(file));

  it('`spectral lint specs/niyantha/asyncapi.yaml --ruleset .spectral-asyncapi.yaml --fail-severity=warn` passes', () => {
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
  });

  it('reports no error or warning on the document', () => {
    const problems = results.filter((r) => r.severity <= 1 && (r.source === undefined || resolve(r.source).startsWith(join(repoRoot, 'specs'))));
    expect(problems.map((r) => `${r.code} ${r.message} ${r.path.join('.')}`)).toEqual([]);
  });

  it('the good fixture passes every rule', () => {
    expect(resultsFor(join(fixturesDir, 'good.asyncapi.yaml'))).toEqual([]);
  });

  const expectations: [string, string, RegExp][] = [
    ['bad-send-without-reply.asyncapi.yaml', 's2sdk-reply', /operation "ping": a send operation has no reply/],
    ['bad-reply-without-correlation-id.asyncapi.yaml', 's2sdk-correlation', /message "ping\.ok": .* lacks a correlationId/],
    ['bad-correlation-id-location.asyncapi.yaml', 's2sdk-correlation', /message "ping\.ok": .*correlationId location is "\$message\.header#\/correlationId" \(expected "\$message\.payload#\/requestId"\)/],
    ['bad-type-without-const.asyncapi.yaml', 's2sdk-type-const', /no "type" property with a string const/],
    ['bad-missing-type-property.asyncapi.yaml', 's2sdk-type-const', /has no "type" property \(the envelope discriminator\)/],
    ['bad-missing-type-property.asyncapi.yaml', 's2sdk-envelope', /must list "type" in required/],
    ['bad-reply-roles.asyncapi.yaml', 's2sdk-error-reply', /lists no error message/],
    ['bad-reply-roles.asyncapi.yaml', 's2sdk-reply-roles', /not marked x-s2sdk-stream: true/],
  ];
  const severityOf = (code: string) => (CONVENTION_RULES[code.replace(/^s2sdk-/, '') as keyof typeof CONVENTION_RULES] === 'warning' ? 1 : 0);
  it.each(expectations)('%s is flagged by %s', (fixture, code, message) => {
    const found = resultsFor(join(fixturesDir, fixture)).filter((r) => r.code === code);
    expect(found.map((r) => r.message)).toContainEqual(expect.stringMatching(message));
    expect(found.every((r) => r.severity === severityOf(code))).toBe(true);
  });

  it('has one s2sdk-* rule per convention rule of @s2sdk/ws-protocol, with its severity, all through the one adapter', () => {
    const ruleset = parseYaml(readFileSync(rulesetPath, 'utf8')) as { functions: string[]; rules: Record<string, { severity?: string; given?: unknown; then?: { function?: string; functionOptions?: { rule?: string } } }> };
    expect(ruleset.functions).toEqual(['s2sdkConventions']);
    const ours = Object.entries(ruleset.rules).filter(([name]) => name.startsWith('s2sdk-'));
    expect(ours.map(([name]) => name).sort()).toEqual(Object.keys(CONVENTION_RULES).map((r) => `s2sdk-${r}`).sort());
    for (const [name, rule] of ours) {
      const id = name.slice('s2sdk-'.length) as keyof typeof CONVENTION_RULES;
      expect([rule.then?.function, rule.then?.functionOptions?.rule, rule.given], name).toEqual(['s2sdkConventions', id, '$']);
      expect(rule.severity, name).toBe(CONVENTION_RULES[id] === 'warning' ? 'warn' : 'error');
    }
  });

  it('bad fixtures are flagged only by the rule they target', () => {
    for (const fixture of fixtures.filter((f) => f.startsWith('bad-'))) {
      const codes = new Set(resultsFor(join(fixturesDir, fixture)).map((r) => r.code));
      const expected = new Set(expectations.filter(([f]) => f === fixture).map(([, c]) => c));
      expect([...codes].sort(), fixture).toEqual([...expected].sort());
    }
  });
});
