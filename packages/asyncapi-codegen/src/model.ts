// Reads an AsyncAPI 3 document with @asyncapi/parser, checks the request/reply
// conventions (see the package README) and builds a plain, JSON-serialisable model:
// operations keyed by request type, events, and a self-contained JSON Schema per message.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, Diagnostic, MessageInterface, OperationInterface } from '@asyncapi/parser';
import { BundleError, bundleDocument } from './bundle';
import { AsyncApiCodegenError } from './errors';
import { RESOLVE_ONLY_RULESET, isKnownValid, rememberValid, validationKey } from './validation-cache';
import { CREDENTIAL_EXTENSION, CREDENTIAL_ROLES, IDENTITY_EXTENSION, IDENTITY_ROLES, collectMarks, valueAt, type CredentialRole, type FieldMark, type IdentityRole } from './marks';
import { NameAllocator, RESERVED_NAMES, pascalCase } from './names';
import { SchemaBundler, bundle, type JsonSchema, type JsonSchemaObject } from './schema';

export type MessageRole = 'request' | 'reply' | 'error' | 'chunk' | 'event';

/** The correlation id location every request and reply message must declare. */
export const CORRELATION_LOCATION = '$message.payload#/requestId';

export interface MessageModel {
  /** The envelope discriminator (`payload.properties.type.const`). */
  type: string;
  /** The AsyncAPI message id (its key in the document). */
  id: string;
  /** TypeScript type name of the envelope. */
  name: string;
  /** Primary role: `request` for request messages, the reply role in reply lists, `event` for server-sent messages. */
  role: MessageRole;
  /** True when the message is also sent by a `receive` operation (an event). */
  event: boolean;
  summary?: string;
  description?: string;
  /** The envelope schema, referencing named schemas by `#/$defs/<Name>` (see `ApiModel.defs`). */
  root: JsonSchema;
  /** Self-contained JSON Schema 2020-12 of the envelope (root + the `$defs` it needs). */
  schema: JsonSchemaObject;
  /** Example envelopes (the `payload` of each AsyncAPI message example), in document order. */
  examples: unknown[];
}

export interface OperationModel {
  /** The AsyncAPI operation id. */
  id: string;
  /** The request message type (the key of the operation map). */
  type: string;
  summary?: string;
  description?: string;
  request: MessageModel;
  /** The success reply (role `reply`). */
  reply: MessageModel;
  /** Error replies (role `error`), sorted by type. */
  errors: MessageModel[];
  /** The streaming chunk (role `chunk`), if any. */
  chunk: MessageModel | null;
  /** `x-s2sdk-stream: true`. */
  streaming: boolean;
  /** `x-s2sdk-auth: true`. */
  auth: boolean;
  /**
   * Authentication request only: the request fields marked `x-s2sdk-credential` (`key`, `secret`,
   * `scope`), as paths from the envelope root (e.g. `['payload', 'token']`). Empty when unmarked
   * (and for every other operation).
   */
  credentialFields: FieldMark<CredentialRole>[];
  /**
   * Authentication request only: the fields of its success reply marked `x-s2sdk-identity`
   * (`account`, `scope`), as paths from the envelope root. Empty when unmarked.
   */
  identityFields: FieldMark<IdentityRole>[];
}

export interface ApiModel {
  /** Where the document came from (a path or a label). */
  source: string;
  title: string;
  version: string;
  asyncapi: string;
  /** Request/reply operations, sorted by request type. */
  operations: OperationModel[];
  /** Server-sent messages of `receive` operations, sorted by type. */
  events: MessageModel[];
  /** Every message, sorted by type. */
  messages: MessageModel[];
  /** Named schemas (component schemas, recursive schemas), by type name. */
  defs: Record<string, JsonSchema>;
  /** The request type of the `x-s2sdk-auth` operation, if any. */
  authType: string | null;
  /** The address of the channel every operation uses (e.g. `/ws`), or null when they differ or have none. */
  channelAddress: string | null;
  /**
   * The generic error message type: the error-role message listed by the most operations
   * (ties: `error`, then the alphabetically first). Used for `unauthenticated` and
   * `validation_failed` answers. `null` when no operation declares an error reply.
   */
  errorType: string | null;
}

export interface LoadOptions {
  /** How the document is named in messages (default: the path as given). */
  label?: string;
}

/** Input: a file path, or an already-loaded document object (relative `$ref`s resolve against `source`). */
export type AsyncApiInput = string | { document: string | Record<string, unknown>; source?: string };

function ext(model: { extensions(): { get(id: string): { value(): unknown } | undefined } }, id: string): unknown {
  return model.extensions().get(id)?.value();
}

function describe(model: { hasSummary?(): boolean; summary?(): string | undefined; hasDescription?(): boolean; description?(): string | undefined }) {
  const out: { summary?: string; description?: string } = {};
  const summary = model.summary?.();
  const description = model.description?.();
  if (summary) out.summary = summary;
  if (description) out.description = description;
  return out;
}

/** Finds a property schema at the top level of an object schema or inside its `allOf` parts. */
function findProperty(schema: unknown, name: string, depth = 0): Record<string, unknown> | undefined {
  if (!schema || typeof schema !== 'object' || depth > 8) return undefined;
  const s = schema as Record<string, unknown>;
  const props = s.properties as Record<string, unknown> | undefined;
  const hit = props?.[name];
  if (hit && typeof hit === 'object') return hit as Record<string, unknown>;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) {
      const found = findProperty(part, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function requiredNames(schema: unknown, into = new Set<string>(), depth = 0): Set<string> {
  if (!schema || typeof schema !== 'object' || depth > 8) return into;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') into.add(r);
  if (Array.isArray(s.allOf)) for (const part of s.allOf) requiredNames(part, into, depth + 1);
  return into;
}

/** The `type` const of an envelope schema: on its `type` property, possibly inside `allOf` parts. */
function typeConst(schema: unknown, depth = 0): string | undefined {
  if (!schema || typeof schema !== 'object' || depth > 8) return undefined;
  const s = schema as Record<string, unknown>;
  const t = (s.properties as Record<string, Record<string, unknown> | undefined> | undefined)?.type;
  if (t && typeof t.const === 'string') return t.const;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) {
      const found = typeConst(part, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function diagnosticsProblems(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.severity === 0)
    .map((d) => {
      const where = d.path.length ? d.path.join('.') : '(document)';
      const line = d.range && d.range.start.line >= 0 && (d.range.start.line > 0 || d.range.start.character > 0) ? ` (line ${d.range.start.line + 1})` : '';
      return `${where}${line}: ${d.message}${d.code ? ` [${String(d.code)}]` : ''}`;
    });
}

async function parseDocument(input: AsyncApiInput, label: string | undefined): Promise<{ document: AsyncAPIDocumentInterface; source: string; bundled: unknown }> {
  let source: string;
  let file: string | undefined;
  let content: string | object | undefined;
  if (typeof input === 'string') {
    source = label ?? input;
    file = resolve(input);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new AsyncApiCodegenError(source, `cannot read the AsyncAPI document: no such file ${file}`, []);
    }
  } else {
    source = label ?? input.source ?? '<document>';
    file = resolve(input.source ?? 'asyncapi.yaml');
    content = input.document;
  }
  // Multi-file documents are bundled first: shared schemas become named components.
  let bundled;
  try {
    bundled = bundleDocument(file, content);
  } catch (err) {
    if (err instanceof BundleError) throw new AsyncApiCodegenError(source, 'the document cannot be read', [err.message]);
    throw err;
  }
  // Full validation (the parser's core ruleset) unless this exact content validated before
  // (validation-cache.ts); a remembered document that fails anyway is validated in full.
  const key = validationKey(bundled.document);
  const known = isKnownValid(key);
  const pristine = known ? structuredClone(bundled.document) : undefined;
  let parser = new Parser(known ? { ruleset: RESOLVE_ONLY_RULESET as never } : {});
  let output = await parser.parse(bundled.document as never, { source: file });
  const clean = !diagnosticsProblems(output.diagnostics).length && output.document !== undefined;
  if (known && !clean) {
    parser = new Parser();
    output = await parser.parse(pristine as never, { source: file });
  } else if (!known && clean) rememberValid(key);
  const errors = diagnosticsProblems(output.diagnostics);
  if (errors.length || !output.document) {
    let problems = errors;
    // Diagnostics of the bundled object carry no line numbers: when the file itself is at
    // fault, report the parser's diagnostics of the file as written.
    if (content === undefined || typeof content === 'string') {
      const original = content === undefined ? await fromFile(parser, file).parse() : await parser.parse(content, { source: file });
      const fromOriginal = diagnosticsProblems(original.diagnostics);
      if (fromOriginal.length) problems = fromOriginal;
    }
    if (!problems.length) problems = ['the parser returned no document'];
    throw new AsyncApiCodegenError(source, `the document has ${problems.length} parse error(s)`, problems);
  }
  const version = output.document.version();
  if (!/^3\./.test(version)) {
    throw new AsyncApiCodegenError(source, `the document is AsyncAPI ${version}; only AsyncAPI 3.x is supported (request/reply needs operation replies)`, []);
  }
  return { document: output.document, source, bundled: bundled.document };
}

/**
 * Where a message's payload sits in the (bundled) document it was parsed from: the parser's
 * pointer when it resolves (it does not for reply messages, which it names by id), else the
 * message by its id in a channel's or the components' messages.
 */
function payloadPointer(doc: unknown, message: MessageInterface): string | undefined {
  const meta = (message.payload() as unknown as { meta?: () => { pointer?: unknown } } | undefined)?.meta?.();
  if (typeof meta?.pointer === 'string' && valueAt(doc, meta.pointer) !== undefined) return meta.pointer;
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const id = esc(message.id());
  const channels = (doc as { channels?: Record<string, unknown> } | null)?.channels ?? {};
  const candidates = [...Object.keys(channels).map((c) => `/channels/${esc(c)}/messages/${id}/payload`), `/components/messages/${id}/payload`];
  return candidates.find((c) => valueAt(doc, c) !== undefined);
}

interface PendingMessage {
  message: MessageInterface;
  type: string;
  id: string;
  role: MessageRole;
  event: boolean;
}

/**
 * Loads and checks a document. Throws `AsyncApiCodegenError` listing every problem when the
 * document is unreadable, invalid, not AsyncAPI 3 or breaks the request/reply conventions.
 */
export async function loadApiModel(input: AsyncApiInput, options: LoadOptions = {}): Promise<ApiModel> {
  const { document, source, bundled } = await parseDocument(input, options.label);
  const problems: string[] = [];

  // ---- messages: one per type ----
  const byType = new Map<string, PendingMessage>();
  const checked = new Set<object>();
  const correlationChecked = new Set<object>();
  const messageProblem = (m: MessageInterface, text: string) => problems.push(`message "${m.id()}": ${text}`);

  /** Checks a message once and records it; returns its type or undefined when unusable. */
  const register = (m: MessageInterface, role: MessageRole, context: string): PendingMessage | undefined => {
    const json = m.json() as object;
    const payload = m.payload()?.json() as unknown;
    const type = typeConst(payload);
    if (!checked.has(json)) {
      checked.add(json);
      if (!m.hasPayload() || payload === undefined) {
        messageProblem(m, 'has no payload (the envelope schema { type, requestId, payload })');
        return undefined;
      }
      if (type === undefined) {
        messageProblem(m, 'its payload schema has no "type" property with a string const (the envelope discriminator, e.g. type: { const: store.create })');
      } else {
        if (!findProperty(payload, 'payload')) messageProblem(m, `its payload schema (type "${type}") has no "payload" property`);
        const required = requiredNames(payload);
        const needs = role === 'event' ? ['type', 'payload'] : ['type', 'requestId', 'payload'];
        const missing = needs.filter((n) => !required.has(n));
        if (missing.length) messageProblem(m, `its payload schema (type "${type}") must list ${missing.map((n) => `"${n}"`).join(', ')} in required`);
        if (role !== 'event' && !findProperty(payload, 'requestId')) messageProblem(m, `its payload schema (type "${type}") has no "requestId" property`);
      }
      for (const [i, ex] of m.examples().all().entries()) {
        const p = ex.payload() as Record<string, unknown> | undefined;
        if (type !== undefined && p && typeof p === 'object' && p.type !== undefined && p.type !== type) {
          messageProblem(m, `example ${ex.name() ? `"${ex.name()}"` : `#${i + 1}`} has type ${JSON.stringify(p.type)} but the message type is "${type}"`);
        }
      }
    }
    if (role !== 'event' && !correlationChecked.has(json)) {
      correlationChecked.add(json);
      const loc = m.correlationId()?.location();
      if (!loc) messageProblem(m, `${context} but lacks a correlationId (needs correlationId: { location: "${CORRELATION_LOCATION}" })`);
      else if (loc !== CORRELATION_LOCATION) messageProblem(m, `${context} but its correlationId location is "${loc}" (expected "${CORRELATION_LOCATION}")`);
    }
    if (type === undefined) return undefined;
    const prev = byType.get(type);
    if (prev) {
      if (prev.id !== m.id()) {
        problems.push(`messages "${prev.id}" and "${m.id()}" share the type "${type}" (each message type must be unique)`);
        return undefined;
      }
      if (role === 'event') prev.event = true;
      else if (prev.role === 'event') prev.role = role;
      else if (prev.role !== role) {
        problems.push(`message "${m.id()}" (type "${type}") is used with the role "${prev.role}" and with the role "${role}"`);
        return undefined;
      }
      return prev;
    }
    const pending: PendingMessage = { message: m, type, id: m.id(), role, event: role === 'event' };
    byType.set(type, pending);
    return pending;
  };

  // ---- operations ----
  interface PendingOperation {
    op: OperationInterface;
    request: PendingMessage;
    reply: PendingMessage;
    errors: PendingMessage[];
    chunk: PendingMessage | null;
    streaming: boolean;
    auth: boolean;
  }
  const pendingOps: PendingOperation[] = [];
  const requestTypes = new Map<string, string>();
  const authOps: string[] = [];

  for (const op of document.operations().all()) {
    const opId = op.id() ?? '(unnamed)';
    const where = `operation "${opId}"`;
    const stream = ext(op, 'x-s2sdk-stream');
    const auth = ext(op, 'x-s2sdk-auth');
    if (stream !== undefined && typeof stream !== 'boolean') problems.push(`${where}: x-s2sdk-stream must be a boolean, found ${JSON.stringify(stream)}`);
    if (auth !== undefined && typeof auth !== 'boolean') problems.push(`${where}: x-s2sdk-auth must be a boolean, found ${JSON.stringify(auth)}`);

    if (op.action() === 'receive') {
      if (op.reply()) problems.push(`${where}: a receive operation (a server-sent event) cannot have a reply; requests are send operations`);
      if (stream === true || auth === true) problems.push(`${where}: x-s2sdk-stream / x-s2sdk-auth only apply to send operations`);
      for (const m of op.messages().all()) register(m, 'event', `it is sent by ${where}`);
      continue;
    }
    if (op.action() !== 'send') {
      problems.push(`${where}: unsupported action "${op.action()}" (expected send or receive)`);
      continue;
    }

    const rawMessages = (op.json() as { messages?: unknown[] }).messages;
    const requestMessages = op.messages().all();
    if (!Array.isArray(rawMessages) || rawMessages.length !== 1 || requestMessages.length !== 1) {
      const n = Array.isArray(rawMessages) ? rawMessages.length : 'no';
      problems.push(`${where}: a send operation must list exactly one request message in "messages", found ${n}`);
      continue;
    }
    const request = register(requestMessages[0]!, 'request', `it is the request of ${where}`);

    const reply = op.reply();
    if (!reply) {
      problems.push(`${where}: a send operation has no reply (add an Operation Reply listing its reply messages; use a receive operation for server-sent events)`);
      continue;
    }
    const replyMessages = reply.messages().all();
    if (replyMessages.length === 0) {
      problems.push(`${where}: its reply lists no messages`);
      continue;
    }
    const replies: PendingMessage[] = [];
    const errors: PendingMessage[] = [];
    const chunks: PendingMessage[] = [];
    let ok = true;
    for (const m of replyMessages) {
      const declared = ext(m, 'x-s2sdk-role');
      let role: MessageRole;
      if (declared === undefined) {
        if (replyMessages.length > 1) {
          problems.push(`${where}: reply message "${m.id()}" has no x-s2sdk-role (needed when a reply lists several messages: reply | error | chunk)`);
          ok = false;
          continue;
        }
        role = 'reply';
      } else if (declared === 'reply' || declared === 'error' || declared === 'chunk') {
        role = declared;
      } else {
        problems.push(`${where}: reply message "${m.id()}" has x-s2sdk-role ${JSON.stringify(declared)} (expected reply, error or chunk)`);
        ok = false;
        continue;
      }
      const registered = register(m, role, `it is in the reply of ${where}`);
      if (!registered) {
        ok = false;
        continue;
      }
      (role === 'reply' ? replies : role === 'error' ? errors : chunks).push(registered);
    }
    if (!ok) continue;
    if (replies.length !== 1) {
      problems.push(
        replies.length === 0
          ? `${where}: its reply lists ${replyMessages.length} messages but none has x-s2sdk-role: reply (exactly one must settle the request)`
          : `${where}: its reply lists several messages with x-s2sdk-role: reply (${replies.map((r) => `"${r.id}"`).join(', ')}); exactly one must settle the request`,
      );
      continue;
    }
    if (chunks.length > 1) {
      problems.push(`${where}: its reply lists several chunk messages (${chunks.map((r) => `"${r.id}"`).join(', ')}); at most one is supported`);
      continue;
    }
    if (stream === true && chunks.length === 0) problems.push(`${where}: x-s2sdk-stream is true but its reply lists no message with x-s2sdk-role: chunk`);
    if (stream !== true && chunks.length > 0) problems.push(`${where}: its reply lists a chunk message ("${chunks[0]!.id}") but the operation is not marked x-s2sdk-stream: true`);
    if (!request) continue;
    const prevOp = requestTypes.get(request.type);
    if (prevOp) {
      problems.push(`operations "${prevOp}" and "${opId}" both send the request type "${request.type}"`);
      continue;
    }
    requestTypes.set(request.type, opId);
    if (auth === true) authOps.push(opId);
    pendingOps.push({
      op,
      request,
      reply: replies[0]!,
      errors: errors.sort((a, b) => cmp(a.type, b.type)),
      chunk: chunks[0] ?? null,
      streaming: stream === true,
      auth: auth === true,
    });
  }
  if (authOps.length > 1) problems.push(`several operations are marked x-s2sdk-auth: ${authOps.map((o) => `"${o}"`).join(', ')} (at most one)`);
  if (pendingOps.length === 0 && problems.length === 0) problems.push('the document has no send operation with a reply (nothing to generate)');

  if (problems.length) {
    throw new AsyncApiCodegenError(source, 'the document does not follow the AsyncAPI request/reply conventions', problems);
  }

  // ---- names and schemas ----
  const allocator = new NameAllocator(RESERVED_NAMES);
  const bundler = new SchemaBundler(allocator);
  const componentIds = document
    .components()
    .schemas()
    .all()
    .map((s) => s.id())
    .filter((id) => !id.startsWith('<anonymous'))
    .sort(cmp);
  for (const id of componentIds) bundler.registerComponent(id);

  const pendingMessages = [...byType.values()].sort((a, b) => cmp(a.type, b.type));
  const models = new Map<string, MessageModel>();
  for (const p of pendingMessages) {
    const base = pascalCase(p.type);
    const name = p.role === 'request' ? allocator.allocate(base.endsWith('Request') ? base : `${base}Request`, 'Message') : allocator.allocate(base, 'Message');
    const root = bundler.normalize(p.message.payload()!.json(), `message "${p.id}" payload`);
    const examples = p.message
      .examples()
      .all()
      .map((e) => e.payload())
      .filter((e) => e !== undefined)
      .map((e) => JSON.parse(JSON.stringify(e)) as unknown);
    models.set(p.type, { type: p.type, id: p.id, name, role: p.role, event: p.event, ...describe(p.message), root, schema: {}, examples });
  }
  if (bundler.problems.length) {
    throw new AsyncApiCodegenError(source, 'the document has schemas that cannot be converted', bundler.problems);
  }
  for (const m of models.values()) m.schema = bundle(m.root, bundler.defs);

  // ---- credential / identity marks of the authentication messages ----
  const markProblems: string[] = [];
  const marksOf = <Role extends string>(p: PendingMessage, extension: string, roles: readonly Role[]): FieldMark<Role>[] => {
    const pointer = payloadPointer(bundled, p.message);
    return pointer === undefined ? [] : collectMarks(bundled, pointer, extension, roles, `message "${p.id}"`, markProblems);
  };
  const marks = new Map<PendingOperation, { credentialFields: FieldMark<CredentialRole>[]; identityFields: FieldMark<IdentityRole>[] }>();
  for (const p of pendingOps) {
    if (!p.auth) continue;
    marks.set(p, { credentialFields: marksOf(p.request, CREDENTIAL_EXTENSION, CREDENTIAL_ROLES), identityFields: marksOf(p.reply, IDENTITY_EXTENSION, IDENTITY_ROLES) });
  }
  if (markProblems.length) {
    throw new AsyncApiCodegenError(source, 'the document has invalid field marks', markProblems);
  }

  const get = (p: PendingMessage) => models.get(p.type)!;
  const operations: OperationModel[] = pendingOps
    .map((p) => ({
      id: p.op.id() ?? '(unnamed)',
      type: p.request.type,
      ...describe(p.op),
      request: get(p.request),
      reply: get(p.reply),
      errors: p.errors.map(get),
      chunk: p.chunk ? get(p.chunk) : null,
      streaming: p.streaming,
      auth: p.auth,
      credentialFields: marks.get(p)?.credentialFields ?? [],
      identityFields: marks.get(p)?.identityFields ?? [],
    }))
    .sort((a, b) => cmp(a.type, b.type));

  const errorUse = new Map<string, number>();
  for (const op of operations) for (const e of op.errors) errorUse.set(e.type, (errorUse.get(e.type) ?? 0) + 1);
  const errorType =
    [...errorUse.entries()].sort((a, b) => b[1] - a[1] || (a[0] === 'error' ? -1 : b[0] === 'error' ? 1 : cmp(a[0], b[0])))[0]?.[0] ?? null;

  const defs: Record<string, JsonSchema> = {};
  for (const name of [...bundler.defs.keys()].sort(cmp)) defs[name] = bundler.defs.get(name)!;

  const addresses = new Set<string | null>();
  for (const op of document.operations().all()) for (const ch of op.channels().all()) addresses.add(ch.address() ?? null);
  const [onlyAddress] = addresses;
  const channelAddress = addresses.size === 1 && typeof onlyAddress === 'string' ? onlyAddress : null;

  const messages = [...models.values()];
  return {
    source,
    title: document.info().title(),
    version: document.info().version(),
    asyncapi: document.version(),
    operations,
    events: messages.filter((m) => m.event),
    messages,
    defs,
    authType: operations.find((o) => o.auth)?.type ?? null,
    channelAddress,
    errorType,
  };
}

/** Code-unit order (locale independent, so output does not depend on the machine). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
