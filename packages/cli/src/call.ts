// s2sdk call <operationId> / s2sdk ws <type>: any operation of the specs, arguments checked
// against the spec's parameters before anything is sent.
import { createKeyManagementClient, createNiyanthaClient } from '@s2sdk/niyantha';
import { connectNiyanthaWs, type WebSocketConstructor } from '@s2sdk/niyantha-ws';
import { WebSocket } from 'ws';
import { baseUrl, sessionToken } from './commands.js';
import { CliError, type Io } from './io.js';
import { print, type Args } from './main.js';
import { loadOperations, restHelp, suggest, wsHelp } from './specs.js';
import { checkAgainstSchema, coerceParam, readJsonArg, splitParam } from './values.js';

function s2sCredentials(io: Io) {
  const key = io.env.S2SDK_API_KEY;
  const secret = io.env.S2SDK_API_SECRET;
  if (!key || !secret) throw new CliError('set S2SDK_API_KEY and S2SDK_API_SECRET (an S2S key from `s2sdk keys create`)', 2);
  return { key, secret };
}

export async function callCommand(io: Io, args: Args, rest: string[]): Promise<number> {
  const { rest: ops } = loadOperations();
  const [id] = rest;
  if (!id) {
    io.stdout.write(`Usage: s2sdk call <operationId> …\nOperations:\n${[...ops.values()].map((o) => `  ${o.operationId.padEnd(28)} ${o.method.padEnd(6)} ${o.summary}`).join('\n')}\n`);
    return args.values.help ? 0 : 2;
  }
  const op = ops.get(id);
  if (!op) throw new CliError(`unknown operation "${id}"${suggest(id, ops.keys()).length ? ` — did you mean ${suggest(id, ops.keys()).join(', ')}?` : ''}; run s2sdk call --help for the list`, 2);
  if (args.values.help) {
    io.stdout.write(`${restHelp(op)}\n`);
    return 0;
  }
  if (op.multipart) throw new CliError(`${id} is a multipart upload; use the SDK (see s2sdk call ${id} --help)`, 2);
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const p of args.values.param ?? []) {
    const [name, raw] = splitParam(p);
    const spec = op.params.find((x) => x.name === name);
    if (!spec) throw new CliError(`${id} has no parameter "${name}" (has: ${op.params.map((x) => x.name).join(', ') || 'none'})`, 2);
    (spec.in === 'path' ? path : query)[name] = coerceParam(raw, spec.schema);
  }
  const missing = op.params.filter((p) => p.required && !(p.name in path) && !(p.name in query)).map((p) => p.name);
  if (missing.length) throw new CliError(`${id} needs --param ${missing.map((m) => `${m}=…`).join(' --param ')}`, 2);
  const body = readJsonArg(args.values.body, '--body');
  if (body === undefined && op.body && op.method !== 'GET' && ['PUT', 'PATCH'].includes(op.method)) throw new CliError(`${id} needs --body (see s2sdk call ${id} --help)`, 2);
  if (body !== undefined) {
    if (!op.body) throw new CliError(`${id} takes no JSON body`, 2);
    checkAgainstSchema(body, op.body, `--body of ${id}`, `see s2sdk call ${id} --help`);
  }
  let result: unknown;
  if (op.session) {
    const keys = createKeyManagementClient({ baseUrl: baseUrl(io, args), sessionToken: await sessionToken(io), retry: false });
    if (op.operationId === 'createApiKey') {
      const k = await keys.create((body ?? {}) as { name: string });
      result = { ...k, secret: k.secret.reveal() };
    } else if (op.operationId === 'listApiKeys') result = await keys.list();
    else result = await keys.expire(Number(path.id));
  } else {
    const client = createNiyanthaClient({ baseUrl: baseUrl(io, args), credentials: s2sCredentials(io), retry: false }) as unknown as Record<string, (a: unknown) => Promise<unknown>>;
    const fn = client[op.operationId];
    if (typeof fn !== 'function') throw new CliError(`${id} is not available in the client`, 2);
    result = await fn.call(client, { params: { path, query }, ...(body !== undefined ? { body } : {}) });
  }
  print(io, args, result ?? { ok: true });
  return 0;
}

export async function wsCommand(io: Io, args: Args, rest: string[]): Promise<number> {
  const { ws: types } = loadOperations();
  const [type] = rest;
  if (!type) {
    io.stdout.write(`Usage: s2sdk ws <type> [--payload @file.json]\nRequest types:\n${[...types.values()].map((t) => `  ${t.type.padEnd(40)} ${t.summary}`).join('\n')}\n`);
    return args.values.help ? 0 : 2;
  }
  const req = types.get(type);
  if (!req) throw new CliError(`unknown WebSocket request type "${type}"${suggest(type, types.keys()).length ? ` — did you mean ${suggest(type, types.keys()).join(', ')}?` : ''}`, 2);
  if (args.values.help) {
    io.stdout.write(`${wsHelp(req)}\n`);
    return 0;
  }
  const payload = (readJsonArg(args.values.payload, '--payload') ?? {}) as never;
  checkAgainstSchema(payload, req.payload, `--payload of ${type}`, `see s2sdk ws ${type} --help`);
  const url = args.values['ws-url'] ?? io.env.S2SDK_WS_URL;
  const ws = await connectNiyanthaWs({ ...(url ? { url } : {}), credentials: s2sCredentials(io), app: 's2sdk-cli', WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false, reconnect: false } as never); // checked above; the server validates every frame too
  try {
    if (req.streaming) {
      for await (const chunk of (ws as unknown as { stream(t: string, p: unknown): AsyncIterable<unknown> }).stream(type, payload)) io.stdout.write(`${JSON.stringify(chunk)}\n`);
    } else print(io, args, await (ws as unknown as { request(t: string, p: unknown): Promise<unknown> }).request(type, payload));
  } finally {
    await ws.close();
  }
  return 0;
}
