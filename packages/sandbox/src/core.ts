// Builds the sandbox from the specs on disk: one ResourceStore, KeyRegistry, PlatformAuth and
// Theodore state, the planned REST routes and WebSocket plans; seeding, reset and persistence.
import { join } from 'node:path';
import { loadApiModel, type ApiModel } from '@s2sdk/asyncapi-codegen';
import { ConfigurationError } from '@s2sdk/core';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { systemClock, type Clock } from './clock.js';
import { Engine, type EntityInfo } from './engine.js';
import { credentialRecord, CREDENTIAL_COLLECTION, DEFAULT_ACCOUNT_PASSWORD } from './features/password.js';
import { readFixture, type Fixture } from './fixture.js';
import { KeyRegistry, type StoredKey } from './keys.js';
import { planAll, type PlannedRoute } from './niyantha-rest.js';
import { buildRoutes, type Route } from './openapi.js';
import { readState, STATE_VERSION, writeAtomic } from './persist.js';
import { PlatformAuth, type PlatformState } from './platform-auth.js';
import { findSpecsDir, loadResolved, SPEC_FILES } from './specs.js';
import { referencesIn, referenceTargets, type ReferenceTargets } from './references.js';
import { ResourceStore, type Rec, type StoreSnapshot } from './store.js';
import { Theodore, type TheodoreState } from './theodore.js';
import { tokenHash } from './tokens.js';
import { planWs, type WsPlan } from './ws-plans.js';

type Obj = Record<string, unknown>;

export const DEFAULT_ACCOUNT_ID = 42;
export const DEFAULT_PLATFORM_USER = { email: 'staff@example.com', password: 'password' } as const;
export const DEFAULT_THEODORE_USER = { handle: 'user@example.com', password: 'user-password' } as const;
export const DEFAULT_APP_CREDENTIALS = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' } as const;

export interface CoreOptions {
  specsDir?: string;
  clock?: Clock;
  /** Fixture file (JSON/YAML) or an inline fixture. */
  seed?: string | Fixture;
  /** Persist the state to this file (atomic rewrite after each change); loaded at start when it exists. */
  stateFile?: string;
  /** Start from the seed even when the state file exists. */
  reset?: boolean;
  /** Bearer tokens key management accepts (besides platform-auth access tokens); kept across resets. */
  sessionTokens?: string[];
  log?: (line: string) => void;
}

export interface SandboxCore {
  clock: Clock;
  engine: Engine;
  keys: KeyRegistry;
  platform: PlatformAuth;
  theodore: Theodore;
  routes: PlannedRoute[];
  platformRoutes: Route[];
  theodoreRoutes: Route[];
  wsModel: ApiModel;
  wsPlans: Map<string, WsPlan>;
  fixture: () => Fixture;
  sessionAccount(token: string): number | undefined;
  appCredentialsOk(clientId: string, secret: string): boolean;
  changed(): void;
  reset(seed?: Fixture): void;
  snapshot(): Obj;
  entityNames: Set<string>;
  log(line: string): void;
}

function entityInfos(routes: PlannedRoute[]): Map<string, EntityInfo> {
  const out = new Map<string, EntityInfo>();
  for (const { route, plan } of routes) {
    if (!plan.entity || plan.entity.startsWith('ApiKey')) continue;
    const info = out.get(plan.entity) ?? {};
    const isList = plan.kind === 'list';
    const schema = isList ? ((plan.schema?.properties as Obj | undefined)?.items as Obj | undefined)?.items as Obj | undefined : plan.schema;
    info.schema ??= schema;
    const ex = route.successExample as Obj | undefined;
    const record = isList ? (ex?.items as Obj[] | undefined)?.[0] : ex;
    if (record && typeof record === 'object' && (plan.kind === 'create' || !info.example)) info.example = record;
    out.set(plan.entity, info);
  }
  return out;
}

const STORED_KINDS = new Set(['create', 'list', 'get', 'update', 'delete', 'action']);

/** The collections of the state: entities some REST route or WebSocket type creates, lists or addresses. */
function collections(routes: PlannedRoute[], wsPlans: Map<string, WsPlan>): Set<string> {
  const plans = [...routes.map((r) => r.plan), ...[...wsPlans.values()].flatMap((p) => (p.plan ? [p.plan] : []))];
  return new Set(plans.filter((p) => p.entity && !p.entity.startsWith('ApiKey') && STORED_KINDS.has(p.kind)).map((p) => p.entity!));
}

/**
 * The records the spec's own request examples refer to (`location_id: 101`, `*_file_id: 12`,
 * `store_item_id: 501`, …), per collection: a fresh sandbox holds them, so every example
 * request of the spec is valid against the start state.
 */
function exampleReferences(routes: PlannedRoute[], targets: ReferenceTargets): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const { route } of routes) {
    const media = ((route.operation.requestBody as Obj | undefined)?.content as Obj | undefined)?.['application/json'] as Obj | undefined;
    const examples = [media?.example, ...Object.values((media?.examples ?? {}) as Record<string, Obj>).map((e) => e?.value)];
    for (const ex of examples) {
      for (const r of referencesIn(ex, targets)) {
        if (!out.has(r.entity)) out.set(r.entity, new Set());
        out.get(r.entity)!.add(r.id);
      }
    }
  }
  return out;
}

// Parsing the AsyncAPI document is the slow part of a start; the model is read-only, so one
// parse per file is shared by every sandbox of the process (tests start many).
const wsModels = new Map<string, Promise<ApiModel>>();
function wsModelFor(file: string): Promise<ApiModel> {
  let m = wsModels.get(file);
  if (!m) {
    m = loadApiModel(file);
    wsModels.set(file, m);
    m.catch(() => wsModels.delete(file));
  }
  return m;
}

export async function createCore(options: CoreOptions = {}): Promise<SandboxCore> {
  const dir = findSpecsDir(options.specsDir);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const restFile = join(dir, SPEC_FILES.niyanthaRest);
  const rawRest = parse(readFileSync(restFile, 'utf8')) as Obj;
  const routes = planAll(buildRoutes(loadResolved(restFile)), rawRest);
  const wsModel = await wsModelFor(join(dir, SPEC_FILES.niyanthaWs));
  const wsPlans = planWs(wsModel, routes);
  const platformRoutes = buildRoutes(loadResolved(join(dir, SPEC_FILES.platformAuth)));
  const theodoreRoutes = buildRoutes(loadResolved(join(dir, SPEC_FILES.theodore)));
  const infos = entityInfos(routes);
  for (const p of wsPlans.values()) {
    const e = p.plan?.entity;
    if (e && p.plan!.kind !== 'example' && !infos.has(e)) {
      const ex = (p.op.reply.examples[0] as Obj | undefined)?.payload as Obj | undefined;
      infos.set(e, { schema: p.plan!.schema, example: p.plan!.kind === 'list' ? (ex?.items as Obj[] | undefined)?.[0] : ex });
    }
  }
  const entityNames = new Set(infos.keys());
  const decisions = (((rawRest.info as Obj | undefined)?.['x-s2sdk-decisions'] ?? []) as { decision?: unknown }[]).map((d) => String(d?.decision ?? ''));
  const targets = referenceTargets(collections(routes, wsPlans), decisions);
  const exampleIds = exampleReferences(routes, targets);
  const baseExample = infos.get('BaseProduct')?.example;
  if (baseExample && Number.isInteger(Number(baseExample.id))) {
    if (!exampleIds.has('BaseProduct')) exampleIds.set('BaseProduct', new Set());
    exampleIds.get('BaseProduct')!.add(Number(baseExample.id));
  }

  const store = new ResourceStore();
  let fixture: Fixture = {};
  const engine = new Engine(store, clock, infos, DEFAULT_ACCOUNT_ID, targets, log);
  const keys = new KeyRegistry(clock);
  const platform = new PlatformAuth(clock, () => fixture.platformUsers ?? [{ ...DEFAULT_PLATFORM_USER, account_id: fixture.accountId ?? DEFAULT_ACCOUNT_ID, scopes: ['keys:manage'] }], log);
  const theodoreTemplate = () => {
    const r = theodoreRoutes.find((x) => x.operationId === 'createAuthToken');
    const media = ((r?.operation.responses as Obj)['200'] as Obj).content as Obj;
    const examples = ((media['application/json'] as Obj).examples ?? {}) as Record<string, { value: { data: Obj } }>;
    return (examples.realistic ?? Object.values(examples)[0])?.value.data ?? {};
  };
  const theodore = new Theodore(clock, () => fixture.theodoreUsers ?? [{ ...DEFAULT_THEODORE_USER }], theodoreTemplate);
  let sessionHashes = new Set<string>();

  const apply = (f: Fixture) => {
    const nextStore = new ResourceStore();
    const account = f.accountId ?? DEFAULT_ACCOUNT_ID;
    const snap: StoreSnapshot = { collections: {}, nextId: {}, singletons: {} };
    // The platform catalog's example and the records the spec's request examples name, unless
    // the fixture gives that collection itself (see exampleReferences).
    for (const [entity, ids] of exampleIds) {
      const info = infos.get(entity);
      if (!info?.example || f.resources?.[entity]) continue;
      const owned = Boolean((info.schema?.properties as Obj | undefined)?.account_id);
      snap.collections[entity] = [...ids].sort((a, b) => a - b).map((id) => ({ ...info.example, id, ...(owned ? { account_id: account } : {}) }) as Rec);
    }
    for (const [entity, rows] of Object.entries(f.resources ?? {})) snap.collections[entity] = rows as never;
    snap.collections[CREDENTIAL_COLLECTION] = [{ id: 1, ...credentialRecord(account, f.accountPassword ?? DEFAULT_ACCOUNT_PASSWORD) }];
    const profile = infos.get('AccountProfile')?.example;
    snap.singletons.AccountProfile = { ...(profile ?? {}), id: account, ...(f.singletons?.AccountProfile ?? {}) };
    const driver = infos.get('DriverProfile')?.example;
    if (driver) snap.singletons.DriverProfile = { ...driver, account_id: account, ...(f.singletons?.DriverProfile ?? {}) };
    for (const [name, value] of Object.entries(f.singletons ?? {})) if (!snap.singletons[name]) snap.singletons[name] = value;
    nextStore.restore(snap); // throws on duplicate ids before anything is replaced
    // The fixture's own records may only reference records of the start state (referential integrity).
    for (const [entity, rows] of Object.entries(f.resources ?? {})) {
      for (const [i, row] of (rows as Obj[]).entries()) {
        const missing = referencesIn(row, targets).find((r) => !nextStore.get(r.entity, r.id));
        if (missing) throw new ConfigurationError(`sandbox fixture: resources.${entity}[${i}]${missing.pointer.replace(/\//g, '.')} names ${missing.entity} ${missing.id}, which is neither in the fixture nor in the start state`);
      }
    }
    const nextKeys = new KeyRegistry(clock);
    for (const k of f.apiKeys ?? []) nextKeys.create(account, { name: k.name, ...(k.ttl_seconds ? { ttl_seconds: k.ttl_seconds } : {}) }, { username: k.username, secret: k.secret });
    store.restore(nextStore.snapshot());
    keys.restore(nextKeys.snapshot());
    platform.state = { verifications: [], tokens: [] };
    theodore.state = { sessions: [] };
    sessionHashes = new Set([...(f.sessionTokens ?? []), ...(options.sessionTokens ?? [])].map(tokenHash));
    // The password is kept only hashed (in the store), never in the fixture the core exposes.
    const { accountPassword: _password, ...kept } = f;
    fixture = kept;
  };

  const snapshot = (): Obj => ({
    version: STATE_VERSION,
    fixture: { ...fixture, sessionTokens: undefined, apiKeys: undefined },
    sessionHashes: [...sessionHashes],
    store: store.snapshot(),
    keys: keys.snapshot(),
    platform: platform.state,
    theodore: theodore.state,
  });

  const initial: Fixture = typeof options.seed === 'string' ? readFixture(options.seed, entityNames) : (options.seed ?? {});
  const saved = options.stateFile && !options.reset ? readState(options.stateFile) : undefined;
  if (saved) {
    apply({ ...(saved.fixture as Fixture) });
    store.restore(saved.store as StoreSnapshot);
    keys.restore(saved.keys as StoredKey[]);
    platform.state = saved.platform as PlatformState;
    theodore.state = saved.theodore as TheodoreState;
    sessionHashes = new Set(saved.sessionHashes as string[]);
    for (const t of [...(initial.sessionTokens ?? []), ...(options.sessionTokens ?? [])]) sessionHashes.add(tokenHash(t));
  } else apply(initial);

  const changed = () => {
    if (options.stateFile) writeAtomic(options.stateFile, snapshot());
  };
  changed();

  return {
    clock,
    engine,
    keys,
    platform,
    theodore,
    routes,
    platformRoutes,
    theodoreRoutes,
    wsModel,
    wsPlans,
    entityNames,
    log,
    fixture: () => fixture,
    sessionAccount: (token) => (sessionHashes.has(tokenHash(token)) ? (fixture.accountId ?? DEFAULT_ACCOUNT_ID) : platform.accountOf(token)),
    appCredentialsOk: (id, secret) => (fixture.appCredentials ?? [DEFAULT_APP_CREDENTIALS]).some((c) => c.clientId === id && c.clientSecret === secret),
    changed,
    reset(seed) {
      apply(seed ?? initial);
      changed();
    },
    snapshot,
  };
}
