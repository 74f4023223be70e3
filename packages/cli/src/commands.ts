// keys, login, token inspect, sandbox.
import { createKeyManagementClient } from '@s2sdk/niyantha';
import { createPlatformAuthClient, createTokenManager, type StoredTokens } from '@s2sdk/platform-auth';
import { startSandbox } from '@s2sdk/sandbox';
import { loadLogin, saveLogin, tokenFile } from './config.js';
import { CliError, mask, prompt, type Io } from './io.js';
import { print, type Args } from './main.js';

export const baseUrl = (io: Io, args: Args) => args.values['base-url'] ?? io.env.S2SDK_BASE_URL;

/** Bearer session for key management: S2SDK_SESSION_TOKEN, the stored login, or a prompt (TTY only). */
export async function sessionToken(io: Io): Promise<string> {
  if (io.env.S2SDK_SESSION_TOKEN) return io.env.S2SDK_SESSION_TOKEN;
  const saved = loadLogin(tokenFile(io.env));
  if (saved && (saved.expires_in === undefined || saved.created_at === undefined || (saved.created_at + saved.expires_in) * 1000 > Date.now())) return saved.access_token;
  const t = await prompt(io, 'Session token: ', 'session token');
  if (!t) throw new CliError('no session token given', 2);
  return t;
}

export async function keysCommand(io: Io, args: Args, rest: string[]): Promise<number> {
  const [sub, id] = rest;
  if (!sub || args.values.help) {
    io.stdout.write('Usage: s2sdk keys create --name N [--ttl SECONDS] | keys list | keys expire <id>\n');
    return sub ? 0 : 2;
  }
  if (!['create', 'list', 'expire'].includes(sub)) throw new CliError(`unknown keys command "${sub}" (create, list, expire)`, 2);
  if (sub === 'create' && !args.values.name) throw new CliError('keys create needs --name', 2);
  const ttl = args.values.ttl === undefined ? undefined : Number(args.values.ttl);
  if (ttl !== undefined && !Number.isInteger(ttl)) throw new CliError('--ttl must be a whole number of seconds', 2);
  if (sub === 'expire' && !(id && /^\d+$/.test(id))) throw new CliError('keys expire needs the numeric key id', 2);
  const keys = createKeyManagementClient({ baseUrl: baseUrl(io, args), sessionToken: await sessionToken(io), retry: false });
  if (sub === 'create') {
    const k = await keys.create({ name: args.values.name!, ...(ttl !== undefined ? { ttl_seconds: ttl } : {}) });
    // The secret is shown exactly once, on stdout (the only place it exists); never on stderr.
    const out = { id: k.id, name: k.name, username: k.username, secret: k.secret.reveal(), expires_at: k.expires_at };
    print(io, args, out, `Created key ${k.id} "${k.name}"\n  username: ${k.username}\n  secret:   ${out.secret}   (shown once — store it now)\n  expires:  ${new Date(k.expires_at * 1000).toISOString()}`);
    return 0;
  }
  if (sub === 'list') {
    const list = await keys.list();
    const state = (k: { revoked_at: number; expires_at: number }) => (k.revoked_at ? 'revoked' : k.expires_at * 1000 <= Date.now() ? 'expired' : 'active');
    print(io, args, list, list.items.map((k) => `${String(k.id).padStart(4)}  ${k.name.padEnd(20)} ${k.username}  ${state(k)}  expires ${new Date(k.expires_at * 1000).toISOString()}`).join('\n') || 'No keys.');
    return 0;
  }
  const s = await keys.expire(Number(id));
  print(io, args, s, `Key ${s.id} "${s.name}" is expired (revoked at ${new Date(s.revoked_at * 1000).toISOString()})`);
  return 0;
}

export async function loginCommand(io: Io, args: Args): Promise<number> {
  const url = baseUrl(io, args) ?? io.env.S2SDK_PLATFORM_URL;
  if (!url) throw new CliError('login needs --base-url (or S2SDK_BASE_URL / S2SDK_PLATFORM_URL): the platform-auth server', 2);
  const clientId = args.values['client-id'] ?? io.env.S2SDK_CLIENT_ID;
  const clientSecret = io.env.S2SDK_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new CliError('login needs the application credentials: --client-id (or S2SDK_CLIENT_ID) and S2SDK_CLIENT_SECRET', 2);
  const email = args.values.email ?? (await prompt(io, 'Email: ', 'email'));
  const password = io.env.S2SDK_PASSWORD ?? (await prompt(io, 'Password: ', 'password'));
  let saved: StoredTokens | undefined;
  const store = { get: () => saved, set: (t: StoredTokens) => void (saved = t), clear: () => void (saved = undefined) };
  const client = createPlatformAuthClient({ baseUrl: url, credentials: { clientId, clientSecret } });
  const manager = createTokenManager({ client, store, getOtp: async () => prompt(io, `OTP sent to the second factor of ${email}: `, 'OTP') });
  await manager.login({ email, password });
  if (!saved) throw new CliError('login finished without a token', 1);
  const file = tokenFile(io.env);
  const s = saved as StoredTokens;
  saveLogin(file, { baseUrl: url, email, access_token: s.access_token, refresh_token: s.refresh_token, created_at: s.created_at ?? s.created, expires_in: s.expires_in, scope: s.scope });
  print(io, args, { loggedIn: true, email, tokenFile: file, expires_in: s.expires_in, ...(args.values['show-token'] ? { access_token: s.access_token } : {}) }, `Logged in as ${email}; token stored in ${file} (0600)${args.values['show-token'] ? `\naccess token: ${s.access_token}` : ''}`);
  return 0;
}

export function tokenCommand(io: Io, args: Args, rest: string[]): number {
  if (rest[0] !== 'inspect') throw new CliError('usage: s2sdk token inspect [--show-token]', 2);
  const file = tokenFile(io.env);
  const t = loadLogin(file);
  if (!t) throw new CliError(`no stored token (${file}); run s2sdk login`, 1);
  const expiresAt = t.created_at !== undefined && t.expires_in !== undefined ? (t.created_at + t.expires_in) * 1000 : undefined;
  const info = {
    file,
    baseUrl: t.baseUrl,
    email: t.email,
    created_at: t.created_at,
    expires_at: expiresAt === undefined ? null : Math.floor(expiresAt / 1000),
    expired: expiresAt === undefined ? null : expiresAt <= Date.now(),
    scopes: t.scope ? t.scope.split(' ') : [],
    access_token: args.values['show-token'] ? t.access_token : mask(t.access_token),
    refresh_token: t.refresh_token ? mask(t.refresh_token) : null,
  };
  print(io, args, info, [`token of ${t.email} at ${t.baseUrl}`, `  expires: ${expiresAt ? new Date(expiresAt).toISOString() : 'unknown'}${info.expired ? ' (EXPIRED)' : ''}`, `  scopes:  ${info.scopes.join(' ') || '(none given by the server)'}`, `  access:  ${info.access_token}`, `  refresh: ${info.refresh_token ?? '(none)'}`].join('\n'));
  return 0;
}

export async function sandboxCommand(io: Io, args: Args): Promise<number> {
  const port = args.values.port === undefined ? 4010 : Number(args.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be 0–65535', 2);
  const sandbox = await startSandbox({ port, seed: args.values.seed, stateFile: args.values.state, reset: args.values.reset, sessionTokens: args.values['session-token'], log: (l) => io.stderr.write(`${l}\n`) });
  print(io, args, { url: sandbox.url, wsUrl: sandbox.wsUrl }, `sandbox listening on ${sandbox.url} (WebSocket ${sandbox.wsUrl})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}
