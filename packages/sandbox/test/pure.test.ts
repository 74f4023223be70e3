import { describe, expect, it } from 'vitest';
import { referencesIn, referenceTargets, snakeCase } from '../src/references.js';
import { KeyRegistry, manualClock, orderMachine, ResourceStore, shipmentMachine, transition, CursorError } from '../src/index.js';

describe('lifecycle machines', () => {
  it('walk the order lifecycle and refuse illegal transitions', () => {
    let s = orderMachine.initial;
    for (const a of ['accept', 'preparing', 'prepared', 'picked', 'delivered']) {
      const r = transition(orderMachine, s, a, 1);
      expect(r.ok).toBe(true);
      s = (r as { status: string }).status;
    }
    expect(s).toBe('delivered');
    expect(transition(orderMachine, 'delivered', 'accept', 1)).toMatchObject({ ok: false });
    expect(transition(orderMachine, 'placed', 'picked', 1)).toMatchObject({ ok: false });
    expect(transition(shipmentMachine, 'assigned', 'reject', 1)).toEqual({ ok: true, status: 'pending' });
  });
});

describe('ResourceStore', () => {
  it('assigns ids, pages newest first, snapshots and restores', () => {
    const st = new ResourceStore();
    for (let i = 0; i < 5; i++) st.insert('Store', { name: `s${i}` });
    const p1 = st.list('Store', () => true, { limit: 2 });
    expect(p1.items.map((r) => r.id)).toEqual([5, 4]);
    const p2 = st.list('Store', () => true, { limit: 2, cursor: p1.next_cursor! });
    expect(p2.items.map((r) => r.id)).toEqual([3, 2]);
    expect(() => st.list('Store', () => true, { cursor: 'garbage' })).toThrow(CursorError);
    const copy = new ResourceStore();
    copy.restore(st.snapshot());
    expect(copy.insert('Store', { name: 'next' }).id).toBe(6);
    expect(() => copy.insert('Store', { id: 2 })).toThrow(/already exists/);
  });

  it('pages by a sort key when a list has an order (highest first, ties newest first), with cursors of that order only', () => {
    const st = new ResourceStore();
    const activity = [30, 10, 30, 20, 5]; // ids 1..5
    for (const a of activity) st.insert('AIThread', { last_message_at: a });
    const order = (r: Record<string, unknown>) => Number(r.last_message_at);
    const p1 = st.list('AIThread', () => true, { limit: 2, order });
    expect(p1.items.map((r) => r.id)).toEqual([3, 1]);
    const p2 = st.list('AIThread', () => true, { limit: 2, order, cursor: p1.next_cursor! });
    expect(p2.items.map((r) => r.id)).toEqual([4, 2]);
    const p3 = st.list('AIThread', () => true, { limit: 2, order, cursor: p2.next_cursor! });
    expect([p3.items.map((r) => r.id), p3.next_cursor]).toEqual([[5], null]);
    // A cursor of the id order does not page a keyed list, nor the other way round.
    const byId = st.list('AIThread', () => true, { limit: 1 });
    expect(() => st.list('AIThread', () => true, { order, cursor: byId.next_cursor! })).toThrow(CursorError);
    expect(() => st.list('AIThread', () => true, { cursor: p1.next_cursor! })).toThrow(CursorError);
  });
});

describe('KeyRegistry', () => {
  it('rejects both expiries, keeps only a hash, and expires with the clock', () => {
    const clock = manualClock();
    const keys = new KeyRegistry(clock);
    expect(() => keys.create(1, { name: 'x', ttl_seconds: 60, expires_at: 1 })).toThrow(/not both/);
    const k = keys.create(1, { name: 'x', ttl_seconds: 60 });
    expect(JSON.stringify(keys.snapshot())).not.toContain(k.secret);
    expect(keys.authenticate(k.username, k.secret)).toHaveProperty('key');
    clock.advance(60_000);
    expect(keys.authenticate(k.username, k.secret)).toEqual({ rejected: 'api_key_expired' });
    expect(keys.list(2)).toEqual([]);
  });
});

describe('referenceTargets', () => {
  it('derives the collection of a *_id member from the collection names and the decisions', () => {
    expect(['AICharacter', 'StoreProduct', 'File'].map(snakeCase)).toEqual(['ai_character', 'store_product', 'file']);
    const t = referenceTargets(['Store', 'StoreProduct', 'CatalogProduct', 'BaseProduct', 'File', 'Location', 'AICharacter'], ['StoreProduct (store listing; store_item_id is a CatalogProduct id).']);
    expect(['location_id', 'from_location_id', 'owner_aadhaar_front_file_id', 'store_product_id', 'store_id', 'character_id', 'store_item_id', 'product_id', 'verification_id', 'name'].map(t)).toEqual([
      'Location', 'Location', 'File', 'StoreProduct', 'Store', 'AICharacter', 'CatalogProduct', undefined, undefined, undefined,
    ]);
    expect(referencesIn({ a: { location_id: 3 }, items: [{ store_product_id: 4 }], logo_file_id: null, location_id: 'x' }, t, '/data')).toEqual([
      { pointer: '/data/a/location_id', entity: 'Location', id: 3 },
      { pointer: '/data/items/0/store_product_id', entity: 'StoreProduct', id: 4 },
    ]);
  });
});
