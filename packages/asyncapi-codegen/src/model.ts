// Reads an AsyncAPI 3 document with @asyncapi/parser, checks the request/reply
// conventions (see the package README) and builds a plain, JSON-serialisable model:
// operations keyed by request type, events, and a self-contained JSON Schema per message.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, Diagnostic, MessageInterface, OperationInterface } from '@asyncapi/parser';
import { CORRELATION_LOCATION, EXTENSIONS, checkConventions, typeConstOf } from '@s2sdk/ws-protocol';
import { BundleError, bundleDocument } from './bundle';
import { channelParameterProblems, hasCircularRefs, parserRuleset, refKindProblems } from './document-checks';
import { AsyncApiCodegenError } from './errors';
import { parseObject } from './parser-input';
import { isKnownValid, rememberValid, validationKey } from './validation-cache';
import { CREDENTIAL_EXTENSION, CREDENTIAL_ROLES, IDENTITY_EXTENSION, IDENTITY_ROLES, collectMarks, valueAt, type CredentialRole, type FieldMark, type IdentityRole } from './marks';
import { NameAllocator, RESERVED_NAMES, pascalCase } from './names';
import { SchemaBundler, bundle, type JsonSchema, type JsonSchemaObject } from './schema';

export type MessageRole = 'request' | 'reply' | 'error' | 'chunk' | 'event';

/** The correlation id location every request and reply message must declare (defined by @s2sdk/ws-protocol). */
export { CORRELATION_LOCATION };

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
  // Validation: the parser's core ruleset but for its two rules that walk the resolved document,
  // which run here on the bundled one instead (document-checks.ts explains why and what they
  // keep); skipped when this exact content validated before (validation-cache.ts). A remembered
  // document that fails anyway is validated again.
  const ownProblems = [...refKindProblems(bundled.document), ...channelParameterProblems(bundled.document)];
  const key = validationKey(bundled.document);
  const known = isKnownValid(key) && !ownProblems.length;
  const circular = hasCircularRefs(bundled.document);
  const pristine = known ? structuredClone(bundled.document) : undefined;
  let parser = new Parser({ ruleset: parserRuleset({ validate: !known, circular }) as never });
  let output = await parseObject(parser, bundled.document, { source: file });
  const clean = !diagnosticsProblems(output.diagnostics).length && output.document !== undefined;
  if (known && !clean) {
    parser = new Parser({ ruleset: parserRuleset({ validate: true, circular }) as never });
    output = await parseObject(parser, pristine!, { source: file });
  } else if (!known && clean && !ownProblems.length) rememberValid(key);
  const errors = [...diagnosticsProblems(output.diagnostics), ...ownProblems];
  if (errors.length || !output.document) {
    let problems = errors;
    // Diagnostics of the bundled object carry no line numbers: when the file itself is at
    // fault, report the parser's diagnostics of the file as written.
    if (diagnosticsProblems(output.diagnostics).length && (content === undefined || typeof content === 'string')) {
      const original = content === undefined ? await fromFile(parser, file).parse() : await parser.parse(content, { source: file });
      const fromOriginal = diagnosticsProblems(original.diagnostics);
      if (fromOriginal.length) problems = [...fromOriginal, ...ownProblems];
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
  // The request/reply conventions are checked once, by @s2sdk/ws-protocol (the Spectral rules
  // report the same findings); warnings (a request without an error reply) do not stop generation.
  const problems = checkConventions(document.json())
    .filter((f) => f.severity === 'error')
    .map((f) => f.message);
  if (problems.length) {
    throw new AsyncApiCodegenError(source, 'the document does not follow the AsyncAPI request/reply conventions', problems);
  }

  // ---- messages: one per type (the conventions guarantee types are unique, one role each) ----
  const byType = new Map<string, PendingMessage>();
  const register = (m: MessageInterface, role: MessageRole): PendingMessage => {
    const type = typeConstOf(m.payload()?.json())!;
    const prev = byType.get(type);
    if (prev) {
      if (role === 'event') prev.event = true;
      else if (prev.role === 'event') prev.role = role;
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
  for (const op of document.operations().all()) {
    if (op.action() === 'receive') {
      for (const m of op.messages().all()) register(m, 'event');
      continue;
    }
    const request = register(op.messages().all()[0]!, 'request');
    const byRole: Record<'reply' | 'error' | 'chunk', PendingMessage[]> = { reply: [], error: [], chunk: [] };
    for (const m of op.reply()!.messages().all()) {
      const role = (ext(m, EXTENSIONS.role) ?? 'reply') as 'reply' | 'error' | 'chunk';
      byRole[role].push(register(m, role));
    }
    pendingOps.push({
      op,
      request,
      reply: byRole.reply[0]!,
      errors: byRole.error.sort((a, b) => cmp(a.type, b.type)),
      chunk: byRole.chunk[0] ?? null,
      streaming: ext(op, EXTENSIONS.stream) === true,
      auth: ext(op, EXTENSIONS.auth) === true,
    });
  }
  if (pendingOps.length === 0) {
    throw new AsyncApiCodegenError(source, 'the document does not follow the AsyncAPI request/reply conventions', ['the document has no send operation with a reply (nothing to generate)']);
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
