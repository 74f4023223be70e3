// The request/reply conventions of an AsyncAPI 3 document (docs/ARCHITECTURE.md, "AsyncAPI
// request/reply conventions"), checked once, here. The generator (asyncapi-codegen's model.ts)
// refuses a document with an `error` finding; the Spectral rules (.spectral-asyncapi.yaml, one
// rule per RULE below, through scripts/spectral/s2sdkConventions.js) report every finding, and
// lint fails on warnings too. Plain JavaScript with no dependencies, so Spectral loads it as is
// (types in conventions.d.ts).
//
// Input: the document as plain JSON with its `$ref`s resolved (Spectral's resolved document, or
// @asyncapi/parser's `document.json()`). Output: findings with a JSON path into that document.
import { CORRELATION_LOCATION, ENVELOPE_FIELDS, EXTENSIONS, REPLY_ROLE_NAMES } from './constants.js';

/**
 * The rules, each with its severity. `error`: the generator, the client and the mock cannot work
 * with the document. `warning`: a convention they do not rely on but reviewers expect.
 */
export const CONVENTION_RULES = Object.freeze({
  /** Payloads are the envelope { type, requestId, payload } (events: no requestId), all required. */
  envelope: 'error',
  /** `type` is a non-empty string const (the discriminator), equal to the message name and to its examples' type. */
  'type-const': 'error',
  /** Request and reply messages declare correlationId.location = CORRELATION_LOCATION. */
  correlation: 'error',
  /** Send operations list one request message and a reply with messages; receive operations (events) have no reply. */
  reply: 'error',
  /** Reply lists: valid x-s2sdk-role values, exactly one success reply, chunks exactly on x-s2sdk-stream operations. */
  'reply-roles': 'error',
  /** Every request also lists an error reply (the shared `error` message answers any request, so it documents it). */
  'error-reply': 'warning',
  /** Across the document: unique message and request types, one role per message, boolean extensions, at most one auth operation. */
  operations: 'error',
});

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const quoted = (names) => names.map((n) => `"${n}"`).join(', ');

const anyProperty = () => true;

/**
 * A property schema at the top level of an object schema or inside its `allOf` parts: the first
 * one `accept` takes (by default the first one found).
 */
export function propertyOf(schema, name, accept = anyProperty, depth = 0) {
  if (!isObject(schema) || depth > 8) return undefined;
  const hit = isObject(schema.properties) ? schema.properties[name] : undefined;
  if ((isObject(hit) || hit === true) && accept(hit)) return hit;
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const found = propertyOf(part, name, accept, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The names an object schema requires, its `allOf` parts included. */
export function requiredOf(schema, into = new Set(), depth = 0) {
  if (!isObject(schema) || depth > 8) return into;
  if (Array.isArray(schema.required)) for (const r of schema.required) if (typeof r === 'string') into.add(r);
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) requiredOf(part, into, depth + 1);
  return into;
}

/** The message type: the string const of a payload schema's `type` property (possibly inside `allOf`), if any. */
export function typeConstOf(payload) {
  // Several allOf parts may each declare `type` (a base envelope with { type: string } and a
  // refinement with the const): the const wins wherever it is.
  return propertyOf(payload, 'type', hasStringConst)?.const;
}

const hasStringConst = (schema) => isObject(schema) && typeof schema.const === 'string' && schema.const !== '';

/**
 * Every convention finding of `document`, in document order.
 * @param {unknown} document
 * @returns {import('./conventions.js').ConventionFinding[]}
 */
export function checkConventions(document) {
  const findings = [];
  const report = (rule, path, message) => findings.push({ rule, severity: CONVENTION_RULES[rule], path, message });
  if (!isObject(document)) return findings;

  // Where each message is defined (channel or component), to name it and to point at it.
  const defined = new Map();
  const define = (container, base) => {
    if (!isObject(container)) return;
    for (const [key, m] of Object.entries(container)) if (isObject(m) && !defined.has(m)) defined.set(m, { name: key, path: [...base, key] });
  };
  if (isObject(document.channels)) for (const [c, ch] of Object.entries(document.channels)) if (isObject(ch)) define(ch.messages, ['channels', c, 'messages']);
  if (isObject(document.components)) define(document.components.messages, ['components', 'messages']);
  const nameOf = (m, fallback) => {
    const id = m['x-parser-unique-object-id'] ?? defined.get(m)?.name ?? m.name ?? m.messageId;
    return typeof id === 'string' ? id : fallback;
  };
  const pathOf = (m, fallback) => defined.get(m)?.path ?? fallback;

  const shapeChecked = new Map(); // message → the role kinds ('event' | 'correlated') its envelope was checked for
  const correlationChecked = new Set();
  const byType = new Map(); // type → { name, role }

  /** Checks a message in one of its roles; returns its type when it has one. */
  const message = (m, role, usePath, context) => {
    const name = nameOf(m, usePath.join('.'));
    const at = pathOf(m, usePath);
    const where = `message "${name}"`;
    const payload = m.payload;
    const type = typeConstOf(payload);
    const kind = role === 'event' ? 'event' : 'correlated';
    const kinds = shapeChecked.get(m) ?? new Set();
    if (!kinds.has(kind)) {
      const first = kinds.size === 0;
      shapeChecked.set(m, kinds.add(kind));
      if (!isObject(payload) || (payload.type !== undefined && payload.type !== 'object')) {
        if (first) report('envelope', [...at, 'payload'], `${where}: its payload schema must be an object schema (the envelope { type, requestId, payload })`);
        return undefined;
      }
      const required = requiredOf(payload);
      if (first) {
        const typeSchema = propertyOf(payload, 'type');
        if (!isObject(typeSchema)) report('type-const', [...at, 'payload', 'properties'], `${where}: its payload schema has no "type" property (the envelope discriminator)`);
        else if (type === undefined) report('type-const', [...at, 'payload', 'properties', 'type'], `${where}: its payload schema has no "type" property with a string const (the envelope discriminator, e.g. type: { const: store.create })`);
        if (type !== undefined && typeof m.name === 'string' && m.name !== type) report('type-const', [...at, 'name'], `${where}: its name "${m.name}" differs from its payload type const "${type}"`);
        const examples = Array.isArray(m.examples) ? m.examples : [];
        examples.forEach((ex, i) => {
          const t = isObject(ex) && isObject(ex.payload) ? ex.payload.type : undefined;
          if (type !== undefined && t !== undefined && t !== type) {
            report('type-const', [...at, 'examples', i], `${where}: example ${typeof ex.name === 'string' ? `"${ex.name}"` : `#${i + 1}`} has type ${JSON.stringify(t)} but the message type is "${type}"`);
          }
        });
      }
      // The fields a frame of this kind carries; a message already checked in the other kind only adds requestId.
      const needs = kind === 'event' ? (first ? ENVELOPE_FIELDS.filter((f) => f !== 'requestId') : []) : first ? ENVELOPE_FIELDS : ['requestId'];
      const absent = needs.filter((f) => f !== 'type' && propertyOf(payload, f) === undefined);
      if (absent.length) report('envelope', [...at, 'payload', 'properties'], `${where}: its payload schema${type ? ` (type "${type}")` : ''} has no ${quoted(absent)} propert${absent.length > 1 ? 'ies' : 'y'}`);
      const missing = needs.filter((f) => !required.has(f));
      if (missing.length) report('envelope', [...at, 'payload', 'required'], `${where}: its payload schema${type ? ` (type "${type}")` : ''} must list ${quoted(missing)} in required`);
      const rid = propertyOf(payload, 'requestId');
      if (kind === 'correlated' && isObject(rid) && rid.type !== undefined && rid.type !== 'string') report('envelope', [...at, 'payload', 'properties', 'requestId'], `${where}: its payload "requestId" must be a string`);
    }
    if (role !== 'event' && !correlationChecked.has(m)) {
      correlationChecked.add(m);
      const loc = isObject(m.correlationId) && typeof m.correlationId.location === 'string' && m.correlationId.location !== '' ? m.correlationId.location : undefined;
      if (!loc) report('correlation', at, `${where}: ${context} but lacks a correlationId (needs correlationId: { location: "${CORRELATION_LOCATION}" })`);
      else if (loc !== CORRELATION_LOCATION) report('correlation', [...at, 'correlationId', 'location'], `${where}: ${context} but its correlationId location is "${loc}" (expected "${CORRELATION_LOCATION}")`);
    }
    if (type === undefined) return undefined;
    const prev = byType.get(type);
    if (!prev) byType.set(type, { name, role, object: m });
    else if (prev.name !== name && prev.object !== m) report('operations', at, `messages "${prev.name}" and "${name}" share the type "${type}" (each message type must be unique)`);
    else if (prev.role === 'event') prev.role = role;
    else if (role !== 'event' && prev.role !== role) report('operations', at, `${where} (type "${type}") is used with the role "${prev.role}" and with the role "${role}"`);
    return type;
  };

  const operations = isObject(document.operations) ? Object.entries(document.operations) : [];
  const requestTypes = new Map();
  const authOps = [];
  for (const [opId, op] of operations) {
    if (!isObject(op)) continue;
    const at = ['operations', opId];
    const where = `operation "${opId}"`;
    const stream = op[EXTENSIONS.stream];
    const auth = op[EXTENSIONS.auth];
    if (stream !== undefined && typeof stream !== 'boolean') report('operations', [...at, EXTENSIONS.stream], `${where}: ${EXTENSIONS.stream} must be a boolean, found ${JSON.stringify(stream)}`);
    if (auth !== undefined && typeof auth !== 'boolean') report('operations', [...at, EXTENSIONS.auth], `${where}: ${EXTENSIONS.auth} must be a boolean, found ${JSON.stringify(auth)}`);
    const messages = Array.isArray(op.messages) ? op.messages : [];

    if (op.action === 'receive') {
      if (op.reply !== undefined) report('reply', [...at, 'reply'], `${where}: a receive operation (a server-sent event) cannot have a reply; requests are send operations`);
      if (stream === true || auth === true) report('operations', at, `${where}: ${EXTENSIONS.stream} / ${EXTENSIONS.auth} only apply to send operations`);
      messages.forEach((m, i) => isObject(m) && message(m, 'event', [...at, 'messages', i], `it is sent by ${where}`));
      continue;
    }
    if (op.action !== 'send') {
      report('reply', [...at, 'action'], `${where}: unsupported action ${JSON.stringify(op.action)} (expected send or receive)`);
      continue;
    }
    if (messages.length !== 1 || !isObject(messages[0])) {
      report('reply', [...at, 'messages'], `${where}: a send operation must list exactly one request message in "messages", found ${Array.isArray(op.messages) ? op.messages.length : 'no'}`);
      continue;
    }
    const requestType = message(messages[0], 'request', [...at, 'messages', 0], `it is the request of ${where}`);
    const reply = op.reply;
    if (!isObject(reply)) {
      report('reply', at, `${where}: a send operation has no reply (add an Operation Reply listing its reply messages; use a receive operation for server-sent events)`);
      continue;
    }
    const replies = Array.isArray(reply.messages) ? reply.messages : [];
    if (replies.length === 0) {
      report('reply', [...at, 'reply'], `${where}: its reply lists no messages`);
      continue;
    }
    const byRole = { reply: [], error: [], chunk: [] };
    let roleProblem = false;
    replies.forEach((m, i) => {
      if (!isObject(m)) return;
      const mAt = [...at, 'reply', 'messages', i];
      const name = nameOf(m, `#${i}`);
      const declared = m[EXTENSIONS.role];
      let role = declared;
      if (declared === undefined) {
        if (replies.length > 1) {
          report('reply-roles', mAt, `${where}: reply message "${name}" has no ${EXTENSIONS.role} (needed when a reply lists several messages: reply | error | chunk)`);
          roleProblem = true;
          return;
        }
        role = 'reply';
      } else if (!REPLY_ROLE_NAMES.includes(declared)) {
        report('reply-roles', [...mAt, EXTENSIONS.role], `${where}: reply message "${name}" has ${EXTENSIONS.role} ${JSON.stringify(declared)} (expected reply, error or chunk)`);
        roleProblem = true;
        return;
      }
      message(m, role, mAt, `it is in the reply of ${where}`);
      byRole[role].push(name);
    });
    if (roleProblem) continue;
    const listAt = [...at, 'reply', 'messages'];
    if (byRole.reply.length === 0) report('reply-roles', listAt, `${where}: its reply lists ${replies.length} messages but none has ${EXTENSIONS.role}: reply (exactly one must settle the request)`);
    else if (byRole.reply.length > 1) report('reply-roles', listAt, `${where}: its reply lists several messages with ${EXTENSIONS.role}: reply (${quoted(byRole.reply)}); exactly one must settle the request`);
    if (byRole.chunk.length > 1) report('reply-roles', listAt, `${where}: its reply lists several chunk messages (${quoted(byRole.chunk)}); at most one is supported`);
    if (stream === true && byRole.chunk.length === 0) report('reply-roles', listAt, `${where}: ${EXTENSIONS.stream} is true but its reply lists no message with ${EXTENSIONS.role}: chunk`);
    if (stream !== true && byRole.chunk.length > 0) report('reply-roles', listAt, `${where}: its reply lists a chunk message ("${byRole.chunk[0]}") but the operation is not marked ${EXTENSIONS.stream}: true`);
    if (byRole.error.length === 0) report('error-reply', listAt, `${where}: its reply lists no error message (${EXTENSIONS.role}: error); list the shared error reply so readers see how the request fails`);
    if (requestType !== undefined) {
      const prevOp = requestTypes.get(requestType);
      if (prevOp !== undefined) report('operations', at, `operations "${prevOp}" and "${opId}" both send the request type "${requestType}"`);
      else requestTypes.set(requestType, opId);
    }
    if (auth === true) authOps.push(opId);
  }
  if (authOps.length > 1) report('operations', ['operations'], `several operations are marked ${EXTENSIONS.auth}: ${quoted(authOps)} (at most one)`);
  return findings;
}
