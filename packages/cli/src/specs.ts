// The operations the CLI can call, read from the specs on disk (the sandbox package's copy, or
// the repository's specs/): REST operations by operationId, WebSocket requests by type, with
// the help text generated from their spec entries.
import { join } from 'node:path';
import { findSpecsDir, loadResolved, SPEC_FILES } from '@s2sdk/sandbox';

type Obj = Record<string, unknown>;

export interface RestOperation {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  params: { name: string; in: string; required: boolean; schema: Obj; description: string }[];
  body?: Obj;
  multipart: boolean;
  session: boolean;
}

export interface WsRequest {
  type: string;
  summary: string;
  description: string;
  payload: Obj;
  streaming: boolean;
}

let cache: { rest: Map<string, RestOperation>; ws: Map<string, WsRequest> } | undefined;

export function loadOperations(specsDir?: string) {
  if (cache && !specsDir) return cache;
  const dir = findSpecsDir(specsDir);
  const doc = loadResolved(join(dir, SPEC_FILES.niyanthaRest));
  const rest = new Map<string, RestOperation>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Obj>)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const content = ((op.requestBody as Obj | undefined)?.content ?? {}) as Record<string, Obj>;
      const security = ((op.security as Obj[] | undefined) ?? []).flatMap((s) => Object.keys(s));
      rest.set(String(op.operationId), {
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        path,
        summary: String(op.summary ?? ''),
        description: String(op.description ?? ''),
        params: ((op.parameters as Obj[] | undefined) ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query')
          .map((p) => ({ name: String(p.name), in: String(p.in), required: Boolean(p.required), schema: (p.schema ?? {}) as Obj, description: String(p.description ?? '') })),
        body: content['application/json']?.schema as Obj | undefined,
        multipart: Boolean(content['multipart/form-data']),
        session: security.includes('SessionBearer'),
      });
    }
  }
  const asyncapi = loadResolved(join(dir, SPEC_FILES.niyanthaWs));
  const ws = new Map<string, WsRequest>();
  for (const [type, op] of Object.entries(asyncapi.operations as Record<string, Obj>)) {
    if (op.action !== 'send' || op['x-s2sdk-auth']) continue;
    const message = ((op.messages as Obj[])[0] ?? {}) as Obj;
    const payload = (((message.payload as Obj | undefined)?.properties as Obj | undefined)?.payload ?? {}) as Obj;
    ws.set(type, { type, summary: String(op.summary ?? ''), description: String(op.description ?? ''), payload, streaming: op['x-s2sdk-stream'] === true });
  }
  const out = { rest, ws };
  if (!specsDir) cache = out;
  return out;
}

const typeOf = (s: Obj): string => {
  if (Array.isArray(s.enum)) return s.enum.map(String).join('|');
  if (s.type) return ([] as unknown[]).concat(s.type).join('|');
  if (s.oneOf || s.anyOf) return 'one of several shapes';
  return 'value';
};

function fields(schema: Obj | undefined, indent = '  '): string[] {
  const props = (schema?.properties ?? {}) as Record<string, Obj>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([k, v]) => `${indent}${k}${required.has(k) ? ' (required)' : ''}: ${typeOf(v)}${v.description ? ` — ${String(v.description).split('\n')[0]}` : ''}`);
}

export function restHelp(op: RestOperation): string {
  const lines = [`s2sdk call ${op.operationId} — ${op.summary}`, `  ${op.method} ${op.path}${op.session ? '  (Bearer session token)' : '  (S2S API key)'}`, ''];
  if (op.description) lines.push(op.description.trim(), '');
  if (op.params.length) {
    lines.push('Parameters (--param name=value):');
    for (const p of op.params) lines.push(`  ${p.name} [${p.in}${p.required ? ', required' : ''}]: ${typeOf(p.schema)}${p.description ? ` — ${p.description}` : ''}`);
    lines.push('');
  }
  if (op.body) lines.push('Body (--body @file.json or --body \'{"…"}\'):', ...fields(op.body), '');
  if (op.multipart) lines.push('Multipart upload: not supported by `s2sdk call`; use the SDK (uploadFile / uploadAppLogo).', '');
  return lines.join('\n');
}

export function wsHelp(req: WsRequest): string {
  return [`s2sdk ws ${req.type} — ${req.summary}${req.streaming ? ' (streaming: one line per chunk)' : ''}`, '', req.description.trim(), '', 'Payload (--payload @file.json or --payload \'{"…"}\'):', ...fields(req.payload), ''].join('\n');
}

/** Closest names for "did you mean" hints. */
export function suggest(name: string, names: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  return [...names].filter((n) => n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase().slice(0, 6))).slice(0, 5);
}
