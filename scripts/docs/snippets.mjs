// TypeScript usage snippets with OUR clients, generated from the specs.
//
// Which client: the package linked to the spec by `s2sdk.openapi` / `s2sdk.asyncapi`.
// How to create it (package.json `s2sdk`):
//   factory         the exported function that creates the client (required for snippets)
//   factoryOptions  TypeScript expression passed to it (default: `{ baseUrl: '<first server>' }`
//                   for OpenAPI, `{ url: '<first server>' }` for AsyncAPI)
//   rawClient       property of the returned object holding the typed openapi-fetch client
//                   (e.g. "raw" → `client.raw.POST(...)`; default: the object itself)
// Factories whose name starts with `connect` are awaited.
//
// REST operations:  `await client.<raw>.POST('/path', { params: { path, query, header }, body })`
// WS requests:      `await ws.request('<type>', payload)`; streaming: `for await (const chunk of ws.stream(...))`
// WS events:        `ws.on('event', (message) => { if (message.type === '<type>') … })`
import sampler from 'openapi-sampler';
import { asyncModel, messageType } from '../review/asyncapi-diff.mjs';
import { operationsOf } from '../review/openapi-diff.mjs';
import { isObject } from '../review/schema-diff.mjs';

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A value as a TypeScript literal, indented. */
export function tsLiteral(value, indent = '') {
  const next = `${indent}  `;
  if (value === undefined) return 'undefined';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => tsLiteral(v, next));
    const oneLine = `[${items.join(', ')}]`;
    return oneLine.length <= 60 && !oneLine.includes('\n') ? oneLine : `[\n${items.map((i) => `${next}${i},`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, v]) => `${IDENT.test(k) ? k : tsLiteral(k)}: ${tsLiteral(v, next)}`);
    const oneLine = `{ ${parts.join(', ')} }`;
    return oneLine.length <= 60 && !oneLine.includes('\n') ? oneLine : `{\n${parts.map((p) => `${next}${p},`).join('\n')}\n${indent}}`;
  }
  return JSON.stringify(String(value));
}

function firstExample(holder) {
  if (!isObject(holder)) return undefined;
  if ('example' in holder) return holder.example;
  if (isObject(holder.examples)) {
    const first = Object.values(holder.examples)[0];
    if (isObject(first) && 'value' in first) return first.value;
  }
  if (Array.isArray(holder.examples) && holder.examples.length) return holder.examples[0];
  return undefined;
}

/** An example value for a schema: its example, default, first enum value, else a generated sample. */
export function exampleFor(schema, doc) {
  if (!isObject(schema)) return {};
  const ex = firstExample(schema);
  if (ex !== undefined) return ex;
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  try {
    return sampler.sample(schema, { skipReadOnly: true, skipNonRequired: false, quiet: true }, doc);
  } catch {
    return {};
  }
}

function clientSetup(pkg, kind, defaultOptions) {
  const factory = pkg.factory;
  const options = pkg.pkg?.s2sdk?.factoryOptions ?? defaultOptions;
  const awaitIt = /^connect/.test(factory);
  const varName = kind === 'asyncapi' ? 'ws' : 'client';
  return {
    varName,
    lines: [`import { ${factory} } from '${pkg.name}';`, '', `const ${varName} = ${awaitIt ? 'await ' : ''}${factory}(${options});`],
  };
}

/**
 * Snippets for every operation of a (dereferenced) OpenAPI document.
 * @returns {Map<string, string>} keyed by "METHOD /path"
 */
export function openapiSnippets(doc, pkg) {
  const out = new Map();
  if (!pkg?.factory) return out;
  const server = doc.servers?.[0]?.url ?? 'https://api.example.com';
  const setup = clientSetup(pkg, 'openapi', `{ baseUrl: ${tsLiteral(server)} }`);
  const raw = pkg.pkg?.s2sdk?.rawClient ? `${setup.varName}.${pkg.pkg.s2sdk.rawClient}` : setup.varName;
  for (const [key, { method, path, op, params }] of operationsOf(doc)) {
    const init = {};
    const groups = {};
    for (const p of params.values()) {
      if (!['path', 'query', 'header', 'cookie'].includes(p.in)) continue;
      const ex = firstExample(p) ?? (p.required ? exampleFor(p.schema, doc) : undefined);
      if (ex === undefined) continue;
      (groups[p.in] ??= {})[p.name] = ex;
    }
    if (Object.keys(groups).length) init.params = groups;
    const media = op.requestBody?.content?.['application/json'] ?? Object.values(op.requestBody?.content ?? {})[0];
    if (media) {
      const ex = firstExample(media);
      init.body = ex !== undefined ? ex : exampleFor(media.schema, doc);
    }
    const call = `${raw}.${method.toUpperCase()}(${tsLiteral(path)}${Object.keys(init).length ? `, ${tsLiteral(init)}` : ''});`;
    const lines = [...setup.lines, ...(op.summary ? [`// ${op.summary}`] : []), `const { data, error } = await ${call}`];
    out.set(key, lines.join('\n'));
  }
  return out;
}

/** The inner payload of an envelope example / schema. */
function innerPayload(msg, doc) {
  for (const ex of Array.isArray(msg.examples) ? msg.examples : []) {
    if (isObject(ex?.payload) && 'payload' in ex.payload) return ex.payload.payload;
  }
  const schema = msg.payload?.properties?.payload;
  return isObject(schema) ? exampleFor(schema, doc) : {};
}

/**
 * Snippets for every message type of a (dereferenced) AsyncAPI 3 request/reply document.
 * @returns {Map<string, { role: 'request' | 'reply' | 'error' | 'chunk' | 'event', snippet: string, operation?: string }>} keyed by message type
 */
export function asyncapiSnippets(doc, pkg) {
  const out = new Map();
  if (!pkg?.factory) return out;
  const model = asyncModel(doc);
  // AsyncAPI 3: the URL is the server's host + pathname + the channel address.
  const s = Object.values(doc.servers ?? {})[0];
  const address = [...model.requests.values()][0]?.address ?? '';
  const url = s ? `${s.protocol ?? 'wss'}://${s.host}${(s.pathname ?? '').replace(/\/$/, '')}${address.startsWith('/') || !address ? address : `/${address}`}` : 'wss://api.example.com/ws';
  const setup = clientSetup(pkg, 'asyncapi', `{ url: ${tsLiteral(url)} }`);
  const ws = setup.varName;
  const msgByType = new Map([...model.messages].map(([t, m]) => [t, m.msg]));
  const requestCall = (r) => {
    const payload = tsLiteral(innerPayload(msgByType.get(r.type), doc));
    if (r.stream) {
      return [`const stream = ${ws}.stream(${tsLiteral(r.type)}, ${payload});`, 'for await (const chunk of stream) {', `  console.log(chunk); // ${r.replies.filter((x) => x.role === 'chunk').map((x) => x.type).join(' | ') || 'chunk'}`, '}', 'const reply = await stream.result;'];
    }
    return [`const reply = await ${ws}.request(${tsLiteral(r.type)}, ${payload});`];
  };
  // The authentication request is the client's job: it is sent from the factory's options on
  // every (re)connect, so its snippets show connecting, not a request.
  const authSnippet = (comment) => {
    const [imp, blank, connect] = setup.lines;
    return [imp, blank, ...comment.map((c) => `// ${c}`), connect].join('\n');
  };
  for (const r of model.requests.values()) {
    const settles = r.replies.filter((x) => x.role === 'reply').map((x) => x.type);
    if (r.auth) {
      out.set(r.type, { role: 'request', operation: r.opId, snippet: authSnippet([`${pkg.factory} sends ${r.type} (built from these options) on every (re)connect`, `and resolves once the server answers ${settles.join(' | ') || 'it'}.`]) });
      for (const rep of r.replies) {
        if (out.has(rep.type)) continue;
        const comment = rep.role === 'error' ? [`${rep.type} (bad credentials) makes ${pkg.factory} reject: wrap it in try/catch.`] : [`${pkg.factory} resolves after ${rep.type}, the answer to ${r.type}.`];
        out.set(rep.type, { role: rep.role, snippet: authSnippet(comment) });
      }
      continue;
    }
    const lines = [...setup.lines];
    lines.push(...requestCall(r));
    if (settles.length) lines.push(`// reply: ${settles.join(' | ')}`);
    out.set(r.type, { role: 'request', operation: r.opId, snippet: lines.join('\n') });
    for (const rep of r.replies) {
      if (out.has(rep.type)) continue; // a shared reply (e.g. `error`) is shown once
      const base = [...setup.lines];
      if (rep.role === 'error') {
        base.push('try {', ...requestCall(r).map((l) => `  ${l}`), '} catch (err) {', `  // the request rejects when the server answers ${tsLiteral(rep.type)}`, '  console.error(err);', '}');
      } else if (rep.role === 'chunk') {
        base.push(`// ${rep.type} frames are the chunks of a ${r.type} stream`, ...requestCall(r));
      } else {
        base.push(`// ${rep.type} is the reply of ${r.type}: the request resolves with it`, ...requestCall(r));
      }
      out.set(rep.type, { role: rep.role, snippet: base.join('\n') });
    }
  }
  for (const e of model.events.values()) {
    const lines = [...setup.lines, `${ws}.on('event', (message) => {`, `  if (message.type === ${tsLiteral(e.type)}) {`, '    console.log(message.payload);', '  }', '});'];
    out.set(e.type, { role: 'event', operation: e.opId, snippet: lines.join('\n') });
  }
  return out;
}

export { messageType };
