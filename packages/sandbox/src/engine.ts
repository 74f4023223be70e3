// Niyantha resource semantics on top of the ResourceStore: create/read/list/update/delete and
// lifecycle actions per entity, ownership checks, timestamps. Both the REST router and the
// WebSocket adapter call these, so both surfaces share one state.
import { unixSeconds, type Clock } from './clock.js';
import { MACHINES, transition } from './lifecycles/index.js';
import { fail, notFound, ok, validationFailed, type Outcome } from './outcome.js';
import { referencesIn, type ReferenceTargets } from './references.js';
import { CursorError, type Rec, type ResourceStore } from './store.js';

type Obj = Record<string, unknown>;

export interface EntityInfo {
  /** Resolved schema of one record. */
  schema?: Obj;
  /** An example record (from the spec) used as the template of new records. */
  example?: Obj;
}

/** Side effects of lifecycle actions beyond the status (fields named in the status descriptions). */
const ACTION_EFFECTS: Record<string, Record<string, (body: Obj, now: number, rec: Rec) => Obj>> = {
  Order: {
    decline: (b) => ({ decline_reason: b.reason ?? null }),
    reject: (b) => ({ decline_reason: b.reason ?? null }),
    delivered: (_b, now) => ({ delivered_at: now }),
    'mark-paid-and-delivered': (b, now) => ({ delivered_at: now, payment_status: 'paid', payment_method: b.payment_method ?? 'cash' }),
  },
  Shipment: {
    reject: () => ({ driver_id: null }),
    complete: (_b, now) => ({ completed_at: now }),
  },
};

/** The text a free-text search looks at: `name` and every string of `address`. */
const searchable = (r: Rec): string[] => {
  const out: string[] = typeof r.name === 'string' ? [r.name] : [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(r.address);
  return out;
};

const props = (schema: Obj | undefined) => Object.keys((schema?.properties as Obj | undefined) ?? {});

/**
 * Lists whose spec names an order other than newest first: AI threads are "most recently active
 * first" (asyncapi.yaml `ai.threads.list`, ai.yaml AIThreadList): by `last_message_at`, a thread
 * without messages by its `created_at`. A thread that becomes active while a client pages moves
 * to the front, as on any activity-ordered list.
 */
const LIST_ORDER: Record<string, (r: Rec) => number> = {
  AIThread: (r) => Number(r.last_message_at ?? r.created_at ?? 0),
};

export class Engine {
  constructor(
    readonly store: ResourceStore,
    private readonly clock: Clock,
    readonly entities: Map<string, EntityInfo>,
    private readonly defaultAccount: number,
    /** Which `*_id` member names which collection (references.ts); none when not given. */
    readonly targets: ReferenceTargets = () => undefined,
    /** The sandbox log (stderr by default); only OTP lines (tokens.ts sendOtp) carry a secret. */
    readonly log: (line: string) => void = () => {},
  ) {}

  private current: number | undefined;

  /** The account the current call acts for. */
  accountId(): number {
    return this.current ?? this.defaultAccount;
  }

  /** Runs `fn` on behalf of an account (handlers are synchronous, so this cannot interleave). */
  as<T>(accountId: number, fn: () => T): T {
    const prev = this.current;
    this.current = accountId;
    try {
      return fn();
    } finally {
      this.current = prev;
    }
  }

  /** Now, in Unix seconds (the injected clock). */
  now(): number {
    return unixSeconds(this.clock);
  }

  /** 403 for a store of another account (or a record of such a store), 404 for a record of another account. */
  private ownership(entity: string, rec: Rec): Outcome | undefined {
    const account = this.accountId();
    if (entity === 'Store' && typeof rec.account_id === 'number' && rec.account_id !== account) return fail(403, 'forbidden', `Store ${rec.id} does not belong to this account`);
    if (typeof rec.store_id === 'number' && entity !== 'Store') {
      const store = this.store.get('Store', rec.store_id);
      if (store && typeof store.account_id === 'number' && store.account_id !== account) return fail(403, 'forbidden', `Store ${store.id} does not belong to this account`);
    }
    if (entity !== 'Store' && typeof rec.account_id === 'number' && rec.account_id !== account) return notFound(entity, rec.id);
    return undefined;
  }

  /** The record, or the error answer (404/403). */
  find(entity: string, id: unknown, scope: Obj = {}): { rec: Rec } | { error: Outcome } {
    const rec = typeof id === 'number' ? this.store.get(entity, id) : undefined;
    if (!rec) return { error: notFound(entity, id) };
    const denied = this.ownership(entity, rec);
    if (denied) return { error: denied };
    for (const [field, value] of Object.entries(scope)) if (rec[field] !== value) return { error: notFound(entity, id) };
    return { rec };
  }

  /** Checks parent records named by scope fields (`store_id` → Store exists and is the account's). */
  parents(scope: Obj): Outcome | undefined {
    for (const [field, value] of Object.entries(scope)) {
      const parent = this.targets(field);
      if (!parent) continue;
      const found = this.find(parent, value);
      if ('error' in found) return found.error;
    }
    return undefined;
  }

  /**
   * Referential integrity of a request body: every numeric `*_id` member that names a stored
   * collection must name a record the account can see (another account's record counts as
   * missing: body ids never produce 403, openapi.yaml `ownership`). Otherwise `status` (422
   * `validation_failed`, or 404 `not_found` where the operation declares no 422) with one
   * detail per dangling member. Checked before anything changes, so a refusal loses no state.
   */
  references(body: unknown, pointer = '', status: 404 | 422 = 422): Outcome | undefined {
    const details = referencesIn(body, this.targets, pointer)
      .filter((r) => 'error' in this.find(r.entity, r.id))
      .map((r) => ({ path: r.pointer, message: `names ${r.entity} ${r.id}, which does not exist` }));
    if (!details.length) return undefined;
    const message = `The request references ${details.length === 1 ? 'a record that does' : 'records that do'} not exist`;
    return status === 404 ? fail(404, 'not_found', message, details) : validationFailed(details, message);
  }

  /** Lists are newest first, except where the spec names another order (LIST_ORDER). */
  list(entity: string, scope: Obj, query: Obj): Outcome {
    const denied = this.parents(scope);
    if (denied) return denied;
    const { limit, cursor, ...rest } = query;
    // Query members that are fields of the entity filter by equality (`status`); a free-text
    // `q` (REST) or `query` (WebSocket `*.search`) that is not a field is a case-insensitive
    // substring of the name or of any address field; other members are ignored.
    const fields = props(this.entities.get(entity)?.schema);
    const filters = Object.fromEntries(Object.entries(rest).filter(([k]) => fields.includes(k) || k === 'id'));
    const textKey = ['q', 'query'].find((k) => typeof rest[k] === 'string' && !fields.includes(k));
    const text = textKey ? String(rest[textKey]).toLowerCase() : undefined;
    const account = this.accountId();
    const match = (r: Rec) =>
      Object.entries({ ...scope, ...filters }).every(([k, v]) => v === undefined || r[k] === v) &&
      (typeof r.account_id !== 'number' || r.account_id === account) &&
      (text === undefined || searchable(r).some((s) => s.toLowerCase().includes(text)));
    try {
      return ok(this.store.list(entity, match, { limit: typeof limit === 'number' ? limit : 20, cursor: typeof cursor === 'string' ? cursor : undefined, order: LIST_ORDER[entity] }));
    } catch (err) {
      if (err instanceof CursorError) return validationFailed([{ path: 'query.cursor', message: err.message }]);
      throw err;
    }
  }

  create(entity: string, scope: Obj, body: Obj): Outcome {
    const denied = this.parents(scope);
    if (denied) return denied;
    const info = this.entities.get(entity) ?? {};
    const now = this.now();
    const fields = props(info.schema);
    // Required fields the body does not give come from the spec's example (so the record is
    // valid against its schema); optional ones stay absent.
    const required = new Set((info.schema?.required as string[] | undefined) ?? []);
    const record: Obj = Object.fromEntries(Object.entries(info.example ?? {}).filter(([k]) => required.has(k) && k !== 'id'));
    for (const [k, v] of Object.entries(body)) if (!fields.length || fields.includes(k)) record[k] = v;
    Object.assign(record, scope);
    if (fields.includes('account_id')) record.account_id = this.accountId();
    if (fields.includes('created_at')) record.created_at = now;
    if (fields.includes('updated_at')) record.updated_at = now;
    const machine = MACHINES[entity];
    if (machine) record.status = machine.initial;
    return ok(this.store.insert(entity, record), 201);
  }

  get(entity: string, id: unknown, scope: Obj = {}): Outcome {
    const found = this.find(entity, id, scope);
    return 'error' in found ? found.error : ok(found.rec);
  }

  update(entity: string, id: unknown, scope: Obj, body: Obj): Outcome {
    const f = this.find(entity, id, scope);
    if ('error' in f) return f.error;
    const found = f.rec;
    const patch: Obj = { ...body };
    const machine = MACHINES[entity];
    if (machine && typeof patch.status === 'string' && patch.status !== found.status) {
      const t = transition(machine, String(found.status), patch.status, found.id);
      if (!t.ok) return fail(409, 'conflict', t.message);
      patch.status = t.status;
    }
    if (props(this.entities.get(entity)?.schema).includes('updated_at')) patch.updated_at = this.now();
    return ok(this.store.update(entity, found.id, patch));
  }

  delete(entity: string, id: unknown, scope: Obj): Outcome {
    const f = this.find(entity, id, scope);
    if ('error' in f) return f.error;
    const found = f.rec;
    this.store.delete(entity, found.id);
    return { status: 204 };
  }

  /** A lifecycle action (`accept`, `decline`, `preparing`, …); an illegal transition is 409 `conflict`. */
  action(entity: string, id: unknown, action: string, body: Obj, scope: Obj = {}): Outcome {
    const f = this.find(entity, id, scope);
    if ('error' in f) return f.error;
    const found = f.rec;
    const machine = MACHINES[entity];
    if (!machine) return fail(409, 'conflict', `${entity} has no lifecycle`);
    const t = transition(machine, String(found.status), action, found.id);
    if (!t.ok) return fail(409, 'conflict', t.message);
    const now = this.now();
    const effects = ACTION_EFFECTS[entity]?.[action]?.(body, now, found) ?? {};
    const fields = props(this.entities.get(entity)?.schema);
    const patch: Obj = { status: t.status, ...Object.fromEntries(Object.entries(effects).filter(([k]) => !fields.length || fields.includes(k))) };
    if (fields.includes('updated_at')) patch.updated_at = now;
    return ok(this.store.update(entity, found.id, patch));
  }

  /** One record per account (profile, wallet, driver profile): read, create (409 when present), or merge. */
  singleton(entity: string, op: 'get' | 'create' | 'merge', body: Obj = {}): Outcome {
    const cur = this.store.getSingleton(entity);
    if (op === 'get') return cur ? ok(cur) : notFound(entity, 'of this account');
    if (op === 'create') {
      if (cur) return fail(409, 'conflict', `The account already has a ${entity}`);
      const info = this.entities.get(entity) ?? {};
      const now = this.now();
      const rec: Obj = { ...(info.example ?? {}), ...body, account_id: this.accountId(), created_at: now, updated_at: now };
      const fields = props(info.schema);
      for (const k of Object.keys(rec)) if (fields.length && !fields.includes(k)) delete rec[k];
      return ok(this.store.setSingleton(entity, rec), 201);
    }
    if (!cur) return notFound(entity, 'of this account');
    const fields = props(this.entities.get(entity)?.schema);
    const patch = Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k)));
    return ok(this.store.setSingleton(entity, { ...cur, ...patch, ...(fields.includes('updated_at') ? { updated_at: this.now() } : {}) }));
  }
}
