// AsyncAPI 3 comparator for request/reply WebSocket documents following the
// conventions in docs/ARCHITECTURE.md (message type = payload `type` const;
// requests are `send` operations with a `reply`; events are `receive` operations).
// Changes are classified at payload level from the client's point of view.
import { dereference } from './load.mjs';
import { claimsOf, compareSchema, finishComparison, isObject } from './schema-diff.mjs';

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
        const replies = replyMsgs.map((r) => ({ type: note(r, 'response'), role: r['x-s2sdk-role'] ?? (replyMsgs.length === 1 ? 'reply' : 'reply'), msg: r }));
        requests.set(type, {
          opId,
          op,
          msg: m,
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
      for (const m of msgs) events.set(note(m, 'response'), { opId, op, msg: m, type: messageType(m), address: op.channel?.address });
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
  const claims = claimsOf(out);
  const add = (severity, code, where, message) => out.push({ severity, code, where, message });
  // claims every place of the document where `obj` (a message, an operation, a channel that exists
  // on one side only, or changed as a whole) is used, against the same place on the other side
  const claimUses = (obj, side) => claimEverywhere(base, head, obj, side, claims);

  // servers
  const srv = (d) => new Map(Object.entries(d.servers ?? {}).map(([k, s]) => [k, `${s?.protocol}://${s?.host}${s?.pathname ?? ''}`]));
  const bsrv = srv(base);
  const hsrv = srv(head);
  for (const [k, u] of bsrv) {
    if (!hsrv.has(k)) add('breaking', 'server-removed', 'servers', `server \`${k}\` (${u}) removed`);
    else if (hsrv.get(k) !== u) add('breaking', 'server-changed', 'servers', `server \`${k}\` changed: ${u} → ${hsrv.get(k)}`);
    else continue;
    claims.claim(base.servers, head.servers, k);
  }
  for (const [k, u] of hsrv) {
    if (bsrv.has(k)) continue;
    add('non-breaking', 'server-added', 'servers', `server \`${k}\` (${u}) added`);
    claims.claim(base.servers, head.servers, k);
  }
  if (!base.servers !== !head.servers) claims.claim(base, head, 'servers');

  const b = asyncModel(base);
  const h = asyncModel(head);

  for (const [type, br] of b.requests) {
    const hr = h.requests.get(type);
    const where = `request \`${type}\``;
    if (!hr) {
      add('breaking', 'message-removed', where, `request message \`${type}\` removed`);
      claimUses(br.msg, 'base');
      if (!h.messages.has(type)) claimUses(br.op, 'base');
      else claims.claim(br.op, head.operations?.[br.opId], 'messages');
      continue;
    }
    if (br.stream !== hr.stream) {
      add('breaking', 'stream-changed', where, `\`${type}\` is ${hr.stream ? 'now' : 'no longer'} a streaming request (x-s2sdk-stream)`);
      claims.claim(br.op, hr.op, 'x-s2sdk-stream');
    }
    if (br.auth !== hr.auth) {
      add('breaking', 'auth-changed', where, `\`${type}\` is ${hr.auth ? 'now' : 'no longer'} the authentication request (x-s2sdk-auth)`);
      claims.claim(br.op, hr.op, 'x-s2sdk-auth');
    }
    if (br.address !== hr.address) {
      add('breaking', 'channel-changed', where, `channel address changed: ${br.address} → ${hr.address}`);
      claims.claim(br.op, hr.op, 'channel');
      claimUses(hr.op.channel, 'head');
      claimUses(br.op.channel, 'base');
    }
    if (br.replyAddress !== hr.replyAddress) claims.claim(br.op.reply, hr.op.reply, 'channel');
    if (br.correlation !== hr.correlation) {
      add('breaking', 'correlation-changed', where, `correlationId location changed: ${br.correlation} → ${hr.correlation}`);
      claims.claim(br.msg, hr.msg, 'correlationId');
    }
    const settle = (r) => r.replies.filter((x) => x.role !== 'error').map((x) => `${x.type} (${x.role})`).sort();
    const bSettle = settle(br);
    const hSettle = settle(hr);
    let repliesExplained = false;
    if (JSON.stringify(bSettle) !== JSON.stringify(hSettle)) {
      add('breaking', 'reply-changed', where, `reply changed: ${bSettle.join(', ') || '(none)'} → ${hSettle.join(', ') || '(none)'}`);
      repliesExplained = true;
    }
    const errs = (r) => r.replies.filter((x) => x.role === 'error').map((x) => x.type);
    const bErr = errs(br);
    const hErr = errs(hr);
    for (const e of hErr) {
      if (bErr.includes(e)) continue;
      add('non-breaking', 'error-reply-added', where, `error reply \`${e}\` added (rejects the request like the other errors)`);
      repliesExplained = true;
    }
    for (const e of bErr) {
      if (hErr.includes(e)) continue;
      add('non-breaking', 'error-reply-removed', where, `error reply \`${e}\` removed`);
      repliesExplained = true;
    }
    if (repliesExplained) {
      claims.claim(br.op.reply, hr.op.reply, 'messages');
      if (!br.op.reply !== !hr.op.reply) claims.claim(br.op, hr.op, 'reply');
      // the roles of the reply messages both sides list
      for (const x of br.replies) {
        const y = hr.replies.find((r) => r.type === x.type);
        if (y && x.role !== y.role) claims.claim(x.msg, y.msg, 'x-s2sdk-role');
      }
    }
  }
  for (const [type, hr] of h.requests) {
    if (b.requests.has(type)) continue;
    add('non-breaking', 'message-added', `request \`${type}\``, `request message \`${type}\` added`);
    claimUses(hr.msg, 'head');
    claimUses(hr.op, 'head');
  }
  // a message type on one side only is always part of a change reported above (a request, a
  // reply, an error reply or an event added or removed): every use of it is explained
  for (const [type, bm] of b.messages) if (!h.messages.has(type)) claimUses(bm.msg, 'base');
  for (const [type, hm] of h.messages) if (!b.messages.has(type)) claimUses(hm.msg, 'head');

  for (const [type, be] of b.events) {
    if (h.events.has(type)) continue;
    add('breaking', 'event-removed', `event \`${type}\``, `event message \`${type}\` removed`);
    claimUses(be.msg, 'base');
    claimUses(be.op, 'base');
  }
  for (const [type, he] of h.events) {
    if (b.events.has(type)) continue;
    add('non-breaking', 'event-added', `event \`${type}\``, `event message \`${type}\` added`);
    claimUses(he.msg, 'head');
    claimUses(he.op, 'head');
  }

  // payloads: requests are inputs, replies/events are outputs; a message used both ways is compared both ways
  for (const [type, bm] of b.messages) {
    const hm = h.messages.get(type);
    if (!hm) continue;
    for (const dir of ['request', 'response']) {
      if (!bm.dirs.has(dir) || !hm.dirs.has(dir)) continue;
      compareSchema(bm.msg.payload ?? {}, hm.msg.payload ?? {}, dir, `message \`${type}\` payload`, out);
    }
  }

  // Anything else that moved: documentation, or a structural change no rule claimed (for review).
  return finishComparison(base, head, out);
}

/**
 * Claims every place where `obj` appears in the document of `side` against the same place (the
 * same path) in the other document, when that place exists there.
 */
function claimEverywhere(base, head, obj, side, claims) {
  if (!isObject(obj)) return;
  const [from, to] = side === 'base' ? [base, head] : [head, base];
  const seen = new Set();
  const walk = (node, other) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const [k, v] of Object.entries(node)) {
      const o = other !== null && typeof other === 'object' ? other[k] : undefined;
      if (v === obj) {
        if (other !== null && typeof other === 'object') side === 'base' ? claims.claim(node, other, k) : claims.claim(other, node, k);
        continue;
      }
      walk(v, o);
    }
  };
  walk(from, to);
}
