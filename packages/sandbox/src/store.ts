// The in-memory resource store: collections of JSON records keyed by collection name, ids
// assigned per collection, cursor pagination, and a plain-JSON snapshot for persistence.
// Pure: no I/O, no clock (callers pass timestamps).

export type Rec = Record<string, unknown> & { id: number };

export interface StoreSnapshot {
  collections: Record<string, Rec[]>;
  nextId: Record<string, number>;
  singletons: Record<string, Record<string, unknown>>;
}

export interface Page {
  items: Rec[];
  next_cursor: string | null;
}

export class CursorError extends Error {
  override name = 'CursorError';
}

/** A cursor names the last item of a page: its id, and its sort key for lists with an order. */
const encodeCursor = (id: number, key?: number) => Buffer.from(JSON.stringify(key === undefined ? { id } : { id, key })).toString('base64url');
function decodeCursor(cursor: string): { id: number; key?: number } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown; key?: unknown };
    if (typeof v.id === 'number' && Number.isInteger(v.id)) {
      if (v.key === undefined) return { id: v.id };
      if (typeof v.key === 'number' && Number.isFinite(v.key)) return { id: v.id, key: v.key };
    }
  } catch {
    // fall through
  }
  throw new CursorError('is not a cursor returned by this list');
}

const clone = <T>(v: T): T => structuredClone(v);

export class ResourceStore {
  private collections = new Map<string, Map<number, Rec>>();
  private nextId = new Map<string, number>();
  private singletons = new Map<string, Record<string, unknown>>();

  private col(name: string): Map<number, Rec> {
    let c = this.collections.get(name);
    if (!c) this.collections.set(name, (c = new Map()));
    return c;
  }

  /** Inserts a record; assigns the next id of the collection unless `record.id` is given. */
  insert(name: string, record: Record<string, unknown>): Rec {
    const c = this.col(name);
    const given = typeof record.id === 'number' ? record.id : undefined;
    const id = given ?? this.nextId.get(name) ?? 1;
    if (c.has(id)) throw new Error(`${name} ${id} already exists`);
    this.nextId.set(name, Math.max(this.nextId.get(name) ?? 1, id + 1));
    const rec = { ...clone(record), id } as Rec;
    c.set(id, rec);
    return clone(rec);
  }

  get(name: string, id: number): Rec | undefined {
    const r = this.collections.get(name)?.get(id);
    return r && clone(r);
  }

  /** Shallow-merges `patch` into the record (partial update); undefined when missing. */
  update(name: string, id: number, patch: Record<string, unknown>): Rec | undefined {
    const c = this.collections.get(name);
    const cur = c?.get(id);
    if (!c || !cur) return undefined;
    const next = { ...cur, ...clone(patch), id } as Rec;
    c.set(id, next);
    return clone(next);
  }

  delete(name: string, id: number): boolean {
    return this.collections.get(name)?.delete(id) ?? false;
  }

  all(name: string, filter: (r: Rec) => boolean = () => true): Rec[] {
    return [...(this.collections.get(name)?.values() ?? [])].filter(filter).sort((a, b) => b.id - a.id).map(clone);
  }

  /**
   * Newest first (highest id first), or by `order` (highest key first, then highest id);
   * `cursor` is the `next_cursor` of the previous page.
   */
  list(name: string, filter: (r: Rec) => boolean, { limit = 20, cursor, order }: { limit?: number; cursor?: string; order?: (r: Rec) => number } = {}): Page {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (after && (after.key === undefined) !== (order === undefined)) throw new CursorError('is not a cursor returned by this list');
    let rows = this.all(name, filter);
    if (order) rows = rows.map((r) => ({ r, k: order(r) })).sort((a, b) => b.k - a.k || b.r.id - a.r.id).map((x) => x.r);
    if (after) rows = rows.filter((r) => (order ? order(r) < after.key! || (order(r) === after.key && r.id < after.id) : r.id < after.id));
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next_cursor: rows.length > limit && last ? encodeCursor(last.id, order ? order(last) : undefined) : null };
  }

  getSingleton(name: string): Record<string, unknown> | undefined {
    const s = this.singletons.get(name);
    return s && clone(s);
  }

  setSingleton(name: string, value: Record<string, unknown>): Record<string, unknown> {
    this.singletons.set(name, clone(value));
    return clone(value);
  }

  snapshot(): StoreSnapshot {
    return {
      collections: Object.fromEntries([...this.collections].map(([k, c]) => [k, [...c.values()].sort((a, b) => a.id - b.id).map(clone)])),
      nextId: Object.fromEntries(this.nextId),
      singletons: Object.fromEntries([...this.singletons].map(([k, v]) => [k, clone(v)])),
    };
  }

  restore(s: StoreSnapshot): void {
    this.collections.clear();
    this.nextId.clear();
    this.singletons.clear();
    for (const [name, rows] of Object.entries(s.collections ?? {})) for (const r of rows) this.insert(name, r);
    for (const [name, n] of Object.entries(s.nextId ?? {})) this.nextId.set(name, Math.max(n, this.nextId.get(name) ?? 1));
    for (const [name, v] of Object.entries(s.singletons ?? {})) this.singletons.set(name, clone(v));
  }
}
