// AsyncAPI 3 comparator for request/reply WebSocket documents following the
// conventions in docs/ARCHITECTURE.md (message type = payload `type` const;
// requests are `send` operations with a `reply`; events are `receive` operations).
// Changes are classified at payload level from the client's point of view.
import { dereference } from './load.mjs';
import { compareSchema, genericDiff, isObject } from './schema-diff.mjs';

/** The `type` discriminator of a message (payload.properties.type.const), else its name. */
export function messageType(msg) {
  const t = isObject(msg?.payload) ? msg.payload.properties?.type : undefined;
  if (isObject(t) && typeof t.const === 'string') return t.const;
  if (isObject(t) && Array.isArray(t.enum) && t.enum.length === 1) return String(t.enum[0]);
  return msg?.name ?? msg?.title ?? '(unnamed)';
}

function opMessages(op) {
  return Array.isArray(op?.messages) ? op.messages.filter(isObject) : [];
}

/**
 * Request/reply model of a (dereferenced) AsyncAPI 3 document.
 * @returns {{ requests: Map<string, any>, events: Map<string, any>, messages: Map<string, { msg: any, dirs: Set<string> }> }}
 */
export function asyncModel(doc) {
  const requests = new Map();
  const events = new Map();
  const messages = new Map();
  const note = (msg, dir) => {
    const t = messageType(msg);
    if (!messages.has(t)) messages.set(t, { msg, dirs: new Set() });
    messages.get(t).dirs.add(dir);
    return t;
  };
  for (const [opId, op] of Object.entries(doc.operations ?? {})) {
    if (!isObject(op)) continue;
    const msgs = opMessages(op);
    if (op.action === 'send') {
      const replyMsgs = Array.isArray(op.reply?.messages) ? op.reply.messages.filter(isObject) : [];
      for (const m of msgs) {
        const type = note(m, 'request');
        const replies = replyMsgs.map((r) => ({ type: note(r, 'response'), role: r['x-s2sdk-role'] ?? (replyMsgs.length === 1 ? 'reply' : 'reply') }));
        requests.set(type, {
          opId,
          type,
          stream: op['x-s2sdk-stream'] === true,
          auth: op['x-s2sdk-auth'] === true,
          address: op.channel?.address,
          replyAddress: op.reply?.channel?.address ?? op.channel?.address,
          correlation: m.correlationId?.location,
          replies,
        });
      }
    } else if (op.action === 'receive') {
      for (const m of msgs) events.set(note(m, 'response'), { opId, type: messageType(m), address: op.channel?.address });
    }
  }
  return { requests, events, messages };
}

/**
 * @param {any} baseDoc @param {any} headDoc
 * @returns {import('./schema-diff.mjs').Change[]}
 */
export function compareAsyncApi(baseDoc, headDoc) {
  const base = dereference({ doc: baseDoc });
  const head = dereference({ doc: headDoc });
  const out = [];
  const add = (severity, code, where, message) => out.push({ severity, code, where, message });

  // servers
  const srv = (d) => new Map(Object.entries(d.servers ?? {}).map(([k, s]) => [k, `${s?.protocol}://${s?.host}${s?.pathname ?? ''}`]));
  const bsrv = srv(base);
  const hsrv = srv(head);
  for (const [k, u] of bsrv) {
    if (!hsrv.has(k)) add('breaking', 'server-removed', 'servers', `server \`${k}\` (${u}) removed`);
    else if (hsrv.get(k) !== u) add('breaking', 'server-changed', 'servers', `server \`${k}\` changed: ${u} → ${hsrv.get(k)}`);
  }
  for (const [k, u] of hsrv) if (!bsrv.has(k)) add('non-breaking', 'server-added', 'servers', `server \`${k}\` (${u}) added`);

  const b = asyncModel(base);
  const h = asyncModel(head);

  for (const [type, br] of b.requests) {
    const hr = h.requests.get(type);
    const where = `request \`${type}\``;
    if (!hr) {
      add('breaking', 'message-removed', where, `request message \`${type}\` removed`);
      continue;
    }
    if (br.stream !== hr.stream) add('breaking', 'stream-changed', where, `\`${type}\` is ${hr.stream ? 'now' : 'no longer'} a streaming request (x-s2sdk-stream)`);
    if (br.auth !== hr.auth) add('breaking', 'auth-changed', where, `\`${type}\` is ${hr.auth ? 'now' : 'no longer'} the authentication request (x-s2sdk-auth)`);
    if (br.address !== hr.address) add('breaking', 'channel-changed', where, `channel address changed: ${br.address} → ${hr.address}`);
    if (br.correlation !== hr.correlation) add('breaking', 'correlation-changed', where, `correlationId location changed: ${br.correlation} → ${hr.correlation}`);
    const settle = (r) => r.replies.filter((x) => x.role !== 'error').map((x) => `${x.type} (${x.role})`).sort();
    const bSettle = settle(br);
    const hSettle = settle(hr);
    if (JSON.stringify(bSettle) !== JSON.stringify(hSettle)) {
      add('breaking', 'reply-changed', where, `reply changed: ${bSettle.join(', ') || '(none)'} → ${hSettle.join(', ') || '(none)'}`);
    }
    const errs = (r) => r.replies.filter((x) => x.role === 'error').map((x) => x.type);
    const bErr = errs(br);
    const hErr = errs(hr);
    for (const e of hErr) if (!bErr.includes(e)) add('non-breaking', 'error-reply-added', where, `error reply \`${e}\` added (rejects the request like the other errors)`);
    for (const e of bErr) if (!hErr.includes(e)) add('non-breaking', 'error-reply-removed', where, `error reply \`${e}\` removed`);
  }
  for (const [type] of h.requests) if (!b.requests.has(type)) add('non-breaking', 'message-added', `request \`${type}\``, `request message \`${type}\` added`);

  for (const [type] of b.events) if (!h.events.has(type)) add('breaking', 'event-removed', `event \`${type}\``, `event message \`${type}\` removed`);
  for (const [type] of h.events) if (!b.events.has(type)) add('non-breaking', 'event-added', `event \`${type}\``, `event message \`${type}\` added`);

  // payloads: requests are inputs, replies/events are outputs; a message used both ways is compared both ways
  for (const [type, bm] of b.messages) {
    const hm = h.messages.get(type);
    if (!hm) continue;
    for (const dir of ['request', 'response']) {
      if (!bm.dirs.has(dir) || !hm.dirs.has(dir)) continue;
      compareSchema(bm.msg.payload ?? {}, hm.msg.payload ?? {}, dir, `message \`${type}\` payload`, out);
    }
  }

  const generic = genericDiff(base, head);
  if (out.length === 0 && generic.structural.length) {
    add('unclassified', 'unclassified-change', 'document', `structural change(s) not classified by the comparator — review by hand: ${generic.structural.slice(0, 8).map((p) => `\`${p}\``).join(', ')}${generic.structural.length > 8 ? ', …' : ''}`);
  }
  if (generic.docs.length) {
    add('docs', 'docs-changed', 'document', `documentation changed (descriptions/summaries/examples): ${generic.docs.slice(0, 6).map((p) => `\`${p}\``).join(', ')}${generic.docs.length > 6 ? ', …' : ''}`);
  }
  return out;
}
