// checkConventions on small resolved documents: a valid one has no findings, and each broken
// convention yields its rule, its severity, a path into the document and a sentence naming the culprit.
import { describe, expect, it } from 'vitest';
import { CONVENTION_RULES, CORRELATION_LOCATION, checkConventions, type ConventionFinding } from '../src/index.js';

type Json = Record<string, any>;

const envelope = (type: string, withRequestId = true): Json => ({
  type: 'object',
  required: withRequestId ? ['type', 'requestId', 'payload'] : ['type', 'payload'],
  properties: {
    type: { type: 'string', const: type },
    ...(withRequestId ? { requestId: { type: 'string' } } : {}),
    payload: { type: 'object' },
  },
});
const message = (type: string, extra: Json = {}, withRequestId = true): Json => ({
  name: type,
  payload: envelope(type, withRequestId),
  ...(withRequestId ? { correlationId: { location: CORRELATION_LOCATION } } : {}),
  ...extra,
});

/** A resolved document: operations hold the very message objects of the channel (as Spectral and the parser give them). */
function doc(mutate: (d: { messages: Json; operations: Json }) => void = () => {}): Json {
  const messages: Json = {
    ping: message('ping'),
    'ping.ok': message('ping.ok', { 'x-s2sdk-role': 'reply' }),
    'tail.chunk': message('tail.chunk', { 'x-s2sdk-role': 'chunk' }),
    tail: message('tail'),
    'tail.ok': message('tail.ok', { 'x-s2sdk-role': 'reply' }),
    error: message('error', { 'x-s2sdk-role': 'error' }),
    tick: message('tick', {}, false),
  };
  const operations: Json = {
    ping: { action: 'send', messages: [messages.ping], reply: { messages: [messages['ping.ok'], messages.error] } },
    tail: { action: 'send', 'x-s2sdk-stream': true, messages: [messages.tail], reply: { messages: [messages['tail.ok'], messages['tail.chunk'], messages.error] } },
    tick: { action: 'receive', messages: [messages.tick] },
  };
  mutate({ messages, operations });
  return { asyncapi: '3.0.0', channels: { ws: { address: '/ws', messages } }, operations };
}

const only = (findings: ConventionFinding[]) => findings.map((f) => [f.rule, f.severity, f.path.join('.'), f.message]);

describe('checkConventions', () => {
  it('finds nothing in a document that follows every convention (requests, a stream, an event)', () => {
    expect(checkConventions(doc())).toEqual([]);
  });

  it('ignores what is not a document', () => {
    for (const v of [null, undefined, 42, 'asyncapi', []]) expect(checkConventions(v)).toEqual([]);
  });

  it('gives every rule a severity: errors, and the missing error reply as a warning', () => {
    expect(Object.entries(CONVENTION_RULES).filter(([, s]) => s === 'warning').map(([r]) => r)).toEqual(['error-reply']);
  });

  it('envelope: requestId and payload must be properties and required; requestId a string; events need no requestId', () => {
    const d = doc(({ messages }) => {
      delete messages.ping.payload.properties.requestId;
      messages['ping.ok'].payload.required = ['type', 'requestId'];
      messages.error.payload.properties.requestId = { type: 'integer' };
    });
    expect(only(checkConventions(d))).toEqual([
      ['envelope', 'error', 'channels.ws.messages.ping.payload.properties', 'message "ping": its payload schema (type "ping") has no "requestId" property'],
      ['envelope', 'error', 'channels.ws.messages.ping.ok.payload.required', 'message "ping.ok": its payload schema (type "ping.ok") must list "payload" in required'],
      ['envelope', 'error', 'channels.ws.messages.error.payload.properties.requestId', 'message "error": its payload "requestId" must be a string'],
    ]);
  });

  it('envelope: a payload that is not an object schema', () => {
    const d = doc(({ messages }) => (messages.tick.payload = { type: 'string' }));
    expect(only(checkConventions(d))).toEqual([
      ['envelope', 'error', 'channels.ws.messages.tick.payload', 'message "tick": its payload schema must be an object schema (the envelope { type, requestId, payload })'],
    ]);
  });

  it('envelope: a message used as an event and as a reply needs the requestId of the reply', () => {
    const d = doc(({ messages, operations }) => operations.ping.reply.messages.push({ ...messages.tick, 'x-s2sdk-role': 'chunk' }));
    const rules = checkConventions(d).map((f) => f.rule);
    expect(rules).toContain('envelope');
    expect(rules).toContain('correlation');
  });

  it('type-const: a string const, equal to the name and to the examples', () => {
    const d = doc(({ messages }) => {
      messages.ping.payload.properties.type = { type: 'string' };
      messages['ping.ok'].name = 'pong';
      messages.error.examples = [{ name: 'bad', payload: { type: 'err', requestId: 'r', payload: {} } }];
      delete messages.tick.payload.properties.type;
    });
    expect(only(checkConventions(d))).toEqual([
      ['type-const', 'error', 'channels.ws.messages.ping.payload.properties.type', expect.stringContaining('message "ping": its payload schema has no "type" property with a string const')],
      ['type-const', 'error', 'channels.ws.messages.ping.ok.name', 'message "ping.ok": its name "pong" differs from its payload type const "ping.ok"'],
      ['type-const', 'error', 'channels.ws.messages.error.examples.0', 'message "error": example "bad" has type "err" but the message type is "error"'],
      ['type-const', 'error', 'channels.ws.messages.tick.payload.properties', 'message "tick": its payload schema has no "type" property (the envelope discriminator)'],
    ]);
  });

  it('type-const: the const may sit in any allOf part, after a base envelope that declares type without it', () => {
    const base = { type: 'object', required: ['type', 'requestId', 'payload'], properties: { type: { type: 'string' }, requestId: { type: 'string' }, payload: { type: 'object' } } };
    const d = doc(({ messages }) => {
      messages.ping.payload = { allOf: [base, { properties: { type: { const: 'ping' } } }] };
    });
    expect(checkConventions(d)).toEqual([]);
    const broken = doc(({ messages }) => {
      messages.ping.payload = { allOf: [base, { properties: { type: { enum: ['ping'] } } }] };
    });
    expect(only(checkConventions(broken)).map((f) => f[0])).toEqual(['type-const']);
  });

  it('correlation: request and reply messages, never events', () => {
    const d = doc(({ messages }) => {
      delete messages.ping.correlationId;
      messages['ping.ok'].correlationId = { location: '$message.header#/id' };
    });
    expect(only(checkConventions(d))).toEqual([
      ['correlation', 'error', 'channels.ws.messages.ping', `message "ping": it is the request of operation "ping" but lacks a correlationId (needs correlationId: { location: "${CORRELATION_LOCATION}" })`],
      ['correlation', 'error', 'channels.ws.messages.ping.ok.correlationId.location', `message "ping.ok": it is in the reply of operation "ping" but its correlationId location is "$message.header#/id" (expected "${CORRELATION_LOCATION}")`],
    ]);
  });

  it('reply: one request message, a reply with messages, none on events, known actions', () => {
    const d = doc(({ messages, operations }) => {
      operations.ping.messages.push(messages.tail);
      delete operations.tail.reply;
      operations.tick.reply = { messages: [] };
      operations.odd = { action: 'publish', messages: [] };
      operations.empty = { action: 'send', messages: [messages['ping.ok']], reply: { messages: [] } };
    });
    expect(only(checkConventions(d)).map(([rule, , path, text]) => [rule, path, text])).toEqual([
      ['reply', 'operations.ping.messages', 'operation "ping": a send operation must list exactly one request message in "messages", found 2'],
      ['reply', 'operations.tail', expect.stringContaining('operation "tail": a send operation has no reply')],
      ['reply', 'operations.tick.reply', 'operation "tick": a receive operation (a server-sent event) cannot have a reply; requests are send operations'],
      ['reply', 'operations.odd.action', 'operation "odd": unsupported action "publish" (expected send or receive)'],
      ['reply', 'operations.empty.reply', 'operation "empty": its reply lists no messages'],
    ]);
  });

  it('reply-roles: roles are known and needed with several replies; one success reply; chunks exactly on streams', () => {
    const cases: [string, (d: { messages: Json; operations: Json }) => void, string][] = [
      ['unknown role', ({ messages }) => (messages['ping.ok']['x-s2sdk-role'] = 'success'), 'operation "ping": reply message "ping.ok" has x-s2sdk-role "success" (expected reply, error or chunk)'],
      ['missing role', ({ messages }) => delete messages.error['x-s2sdk-role'], 'operation "ping": reply message "error" has no x-s2sdk-role (needed when a reply lists several messages: reply | error | chunk)'],
      ['no success', ({ messages, operations }) => (operations.ping.reply.messages = [messages.error, messages.error]), 'operation "ping": its reply lists 2 messages but none has x-s2sdk-role: reply (exactly one must settle the request)'],
      ['two successes', ({ messages, operations }) => operations.ping.reply.messages.push(messages['tail.ok']), 'operation "ping": its reply lists several messages with x-s2sdk-role: reply ("ping.ok", "tail.ok"); exactly one must settle the request'],
      ['stream without chunk', ({ operations }) => operations.tail.reply.messages.splice(1, 1), 'operation "tail": x-s2sdk-stream is true but its reply lists no message with x-s2sdk-role: chunk'],
      ['chunk without stream', ({ operations }) => delete operations.tail['x-s2sdk-stream'], 'operation "tail": its reply lists a chunk message ("tail.chunk") but the operation is not marked x-s2sdk-stream: true'],
    ];
    for (const [what, mutate, text] of cases) {
      const findings = checkConventions(doc(mutate)).filter((f) => f.rule === 'reply-roles');
      expect(findings.map((f) => f.message), what).toContain(text);
    }
  });

  it('a single reply message without a role is the success reply', () => {
    const d = doc(({ messages, operations }) => {
      delete messages['ping.ok']['x-s2sdk-role'];
      operations.ping.reply.messages = [messages['ping.ok']];
    });
    expect(only(checkConventions(d))).toEqual([
      ['error-reply', 'warning', 'operations.ping.reply.messages', expect.stringContaining('operation "ping": its reply lists no error message')],
    ]);
  });

  it('operations: unique types, boolean extensions on send operations, at most one auth operation', () => {
    const d = doc(({ messages, operations }) => {
      messages.pong = message('ping.ok', { name: undefined, 'x-s2sdk-role': 'reply' });
      operations.ping.reply.messages[0] = messages.pong;
      operations.ping['x-s2sdk-auth'] = true;
      operations.tail['x-s2sdk-auth'] = true;
      operations.tick['x-s2sdk-stream'] = 'yes';
      operations.again = { action: 'send', messages: [messages.ping], reply: { messages: [messages['ping.ok'], messages.error] } };
    });
    expect(only(checkConventions(d)).map(([rule, , path, text]) => [rule, path, text])).toEqual([
      ['operations', 'operations.tick.x-s2sdk-stream', 'operation "tick": x-s2sdk-stream must be a boolean, found "yes"'],
      ['operations', 'channels.ws.messages.ping.ok', 'messages "pong" and "ping.ok" share the type "ping.ok" (each message type must be unique)'],
      ['operations', 'operations.again', 'operations "ping" and "again" both send the request type "ping"'],
      ['operations', 'operations', 'several operations are marked x-s2sdk-auth: "ping", "tail" (at most one)'],
    ]);
  });

  it('names messages by the parser\'s id, then their key, then `name`, and points at the operation when they are not in a channel', () => {
    const inline: Json = { ...message('solo'), name: undefined, 'x-parser-unique-object-id': 'soloMessage' };
    delete inline.correlationId;
    const d = doc(({ operations }) => (operations.solo = { action: 'send', messages: [inline], reply: { messages: [{ ...message('solo.ok'), name: undefined }] } }));
    const texts = checkConventions(d).map((f) => [f.path.join('.'), f.message]);
    expect(texts).toContainEqual(['operations.solo.messages.0', expect.stringMatching(/^message "soloMessage": it is the request of operation "solo" but lacks a correlationId/)]);
  });
});
