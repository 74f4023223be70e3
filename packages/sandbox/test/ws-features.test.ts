import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../src/index.js';
import { harness, STORE, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const A = '/api/v1/s2s/accounts';

describe('network vehicle requests (WS)', () => {
  it('stores requests, reviews them through their lifecycle, attaches on approval; unknown ids are not_found', async () => {
    // Network 900 is another account's public network, 901 another account's private one.
    const now = Math.floor(Date.now() / 1000);
    const foreign = (id: number, visibility: string) => ({ id, account_id: 57, name: `Fleet ${id}`, visibility, vehicle_count: 0, created_at: now, updated_at: now });
    h = await harness({ seed: { resources: { Network: [foreign(900, 'public'), foreign(901, 'private')] } } });
    const c = await h.ws(await h.newKey());
    const own = (await c.request('account.network.create', { name: 'Own fleet', visibility: 'public' })).payload;
    const truck = (await c.request('account.vehicle.create', { type: 'truck', registration_number: 'KA01AB1234', capacity_kg: 3000 })).payload;
    const van = (await c.request('account.vehicle.create', { type: 'van', registration_number: 'KA01AB9999', capacity_kg: 900 })).payload;

    const asked = await c.request('account.network.vehicle.request', { network_id: own.id, vehicle_id: truck.id, note: 'East side runs' });
    expect(asked.payload).toMatchObject({ network_id: own.id, vehicle_id: truck.id, requester_account_id: 42, status: 'pending', note: 'East side runs', reviewed_at: null });
    expect(await c.request('account.network.vehicle.request', { network_id: own.id, vehicle_id: truck.id })).toMatchObject({ type: 'error', payload: { code: 'conflict' } });
    const approved = await c.request('account.network.vehicle.request.review', { vehicle_request_id: asked.payload.id, decision: 'approve' });
    expect(approved.payload).toMatchObject({ id: asked.payload.id, status: 'approved', review_reason: null });
    expect(approved.payload.reviewed_at).toEqual(expect.any(Number));
    expect((await c.request('account.vehicle.get', { vehicle_id: truck.id })).payload.network_id).toBe(own.id);
    expect((await c.request('account.network.vehicles.list', { network_id: own.id })).payload.items.map((v: any) => v.id)).toEqual([truck.id]);
    // Illegal transition: the request is no longer pending.
    expect(await c.request('account.network.vehicle.request.review', { vehicle_request_id: asked.payload.id, decision: 'reject' })).toMatchObject({ type: 'error', payload: { code: 'conflict' } });
    // Already in the network → conflict.
    expect(await c.request('account.network.vehicle.request', { network_id: own.id, vehicle_id: truck.id })).toMatchObject({ type: 'error', payload: { code: 'conflict' } });
    // Reject keeps the reason and does not attach.
    const second = (await c.request('account.network.vehicle.request', { network_id: own.id, vehicle_id: van.id })).payload;
    expect(second.id).not.toBe(asked.payload.id);
    expect((await c.request('account.network.vehicle.request.review', { vehicle_request_id: second.id, decision: 'reject', reason: 'Fleet is full' })).payload).toMatchObject({ status: 'rejected', review_reason: 'Fleet is full' });
    expect((await c.request('account.vehicle.get', { vehicle_id: van.id })).payload.network_id ?? null).toBeNull();

    // Another account's public network: requesting works, reviewing is the owner's (forbidden); private → forbidden.
    const toForeign = (await c.request('account.network.vehicle.request', { network_id: 900, vehicle_id: van.id })).payload;
    expect(toForeign.status).toBe('pending');
    expect(await c.request('account.network.vehicle.request.review', { vehicle_request_id: toForeign.id, decision: 'approve' })).toMatchObject({ type: 'error', payload: { code: 'forbidden' } });
    expect(await c.request('account.network.vehicle.request', { network_id: 901, vehicle_id: van.id })).toMatchObject({ type: 'error', payload: { code: 'forbidden' } });
    // Unknown ids.
    expect(await c.request('account.network.vehicle.request', { network_id: 999_999, vehicle_id: van.id })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('account.network.vehicle.request', { network_id: own.id, vehicle_id: 999_999 })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('account.network.vehicle.request.review', { vehicle_request_id: 999_999, decision: 'approve' })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    // Stored: visible in the snapshot, gone after a reset.
    expect((h.sandbox.snapshot().store as any).collections.NetworkVehicleRequest).toHaveLength(3);
    h.sandbox.reset();
    expect((h.sandbox.snapshot().store as any).collections.NetworkVehicleRequest ?? []).toHaveLength(0);
    c.close();
  });
});

describe('AI threads (WS)', () => {
  it('ai.threads.list is most recently active first, and pages in that order', async () => {
    const clock = manualClock();
    const seed = { apiKeys: [{ name: 'ci', username: 'pk_ci', secret: 'sk_ci_secret' }] };
    const key = { username: 'pk_ci', secret: 'sk_ci_secret' };
    h = await harness({ seed, clock });
    const k = h.s2s(key);
    const store = (await h.call('POST', `${A}/stores`, { body: STORE, headers: k })).body;
    const character = (await h.call('POST', `${A}/stores/${store.id}/characters`, { body: { name: 'Meera', persona: 'Helpful grocer' }, headers: k })).body;
    const c = await h.ws(key);
    const ids: number[] = [];
    for (const title of ['first', 'second', 'third']) {
      clock.advance(60_000);
      ids.push((await c.request('ai.threads.create', { character_id: character.id, title })).payload.id);
    }
    const listed = async (payload: object) => (await c.request('ai.threads.list', payload)).payload;
    expect((await listed({ character_id: character.id })).items.map((t: any) => t.id)).toEqual([ids[2], ids[1], ids[0]]);
    clock.advance(60_000);
    await c.request('ai.thread.send', { thread_id: ids[0], content: 'hello' }); // the oldest becomes the most recent
    const page1 = await listed({ character_id: character.id, limit: 2 });
    expect(page1.items.map((t: any) => t.id)).toEqual([ids[0], ids[2]]);
    const page2 = await listed({ character_id: character.id, limit: 2, cursor: page1.next_cursor });
    expect([page2.items.map((t: any) => t.id), page2.next_cursor]).toEqual([[ids[1]], null]);
  });

  it('ai.threads.create refuses an inactive character with conflict and stores nothing', async () => {
    const seed = { apiKeys: [{ name: 'ci', username: 'pk_ci', secret: 'sk_ci_secret' }] };
    const key = { username: 'pk_ci', secret: 'sk_ci_secret' };
    h = await harness({ seed });
    const k = h.s2s(key);
    const store = (await h.call('POST', `${A}/stores`, { body: STORE, headers: k })).body;
    const character = (await h.call('POST', `${A}/stores/${store.id}/characters`, { body: { name: 'Meera', persona: 'Helpful grocer' }, headers: k })).body;
    expect((await h.call('PATCH', `${A}/characters/${character.id}`, { body: { status: 'inactive' }, headers: k })).status).toBe(200);
    const c = await h.ws(key);
    const before = (await c.request('ai.threads.list', {})).payload.items.length;
    expect(await c.request('ai.threads.create', { character_id: character.id })).toMatchObject({ type: 'error', payload: { code: 'conflict' } });
    expect((await c.request('ai.threads.list', {})).payload.items).toHaveLength(before);
  });

  it('send checks the thread and stores both messages; streams store them too; ai.threads.get returns them', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'sandbox-threads-')), 'state.json');
    const seed = { apiKeys: [{ name: 'ci', username: 'pk_ci', secret: 'sk_ci_secret' }] };
    const key = { username: 'pk_ci', secret: 'sk_ci_secret' };
    h = await harness({ stateFile: state, seed });
    const k = h.s2s(key);
    const store = (await h.call('POST', `${A}/stores`, { body: STORE, headers: k })).body;
    const character = (await h.call('POST', `${A}/stores/${store.id}/characters`, { body: { name: 'Meera', persona: 'Helpful grocer' }, headers: k })).body;
    const c = await h.ws(key);
    const thread = (await c.request('ai.threads.create', { character_id: character.id, title: 'Restock' })).payload;
    // The thread takes the character's store; a missing character is not_found.
    expect(thread).toMatchObject({ kind: 'character', character_id: character.id, store_id: store.id, title: 'Restock', message_count: 0, last_message_at: null });
    expect(await c.request('ai.threads.create', { character_id: 999_999 })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('ai.thread.send', { thread_id: 999_999, content: 'hello' })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('ai.thread.send.stream', { thread_id: 999_999, content: 'hello' })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(c.chunks(c.lastId())).toEqual([]);

    const sent = (await c.request('ai.thread.send', { thread_id: thread.id, content: 'Do you have tomatoes?' })).payload;
    expect(sent).toMatchObject({ thread_id: thread.id, user_message: { role: 'user', content: 'Do you have tomatoes?', finish_reason: null }, message: { role: 'assistant', content: 'Sandbox reply to: Do you have tomatoes?', finish_reason: 'stop' }, usage: { input_tokens: 4, output_tokens: 7, total_tokens: 11 } });
    const streamed = await c.request('ai.thread.send.stream', { thread_id: thread.id, content: 'And onions today?' });
    const chunks = c.chunks(c.lastId());
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((f) => f.payload.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.every((f) => f.payload.thread_id === thread.id)).toBe(true);
    expect(chunks.map((f) => f.payload.delta).join('')).toBe(streamed.payload.message.content);
    expect(streamed.payload.user_message.content).toBe('And onions today?');

    const got = (await c.request('ai.threads.get', { thread_id: thread.id })).payload;
    expect(got).toMatchObject({ id: thread.id, message_count: 4 });
    expect(got.messages.map((m: any) => [m.role, m.content])).toEqual([
      ['user', 'Do you have tomatoes?'],
      ['assistant', 'Sandbox reply to: Do you have tomatoes?'],
      ['user', 'And onions today?'],
      ['assistant', 'Sandbox reply to: And onions today?'],
    ]);
    expect(got.messages.map((m: any) => m.id)).toEqual([sent.user_message.id, sent.message.id, streamed.payload.user_message.id, streamed.payload.message.id]);

    // Nitha: without thread_id a new Nitha thread (scoped to the store); with it, the same thread.
    const first = await c.request('nitha.thread.send.stream', { store_id: store.id, content: 'Best sellers?' });
    const nitha = first.payload.thread_id;
    expect(nitha).not.toBe(thread.id);
    expect(c.chunks(c.lastId()).every((f) => f.payload.thread_id === nitha)).toBe(true);
    const again = await c.request('nitha.thread.send.stream', { thread_id: nitha, content: 'And last week?' });
    expect(again.payload.thread_id).toBe(nitha);
    expect((await c.request('ai.threads.get', { thread_id: nitha })).payload).toMatchObject({ kind: 'nitha', store_id: store.id, character_id: null, message_count: 4 });
    expect(await c.request('nitha.thread.send.stream', { thread_id: nitha, store_id: store.id + 1000, content: 'x' })).toMatchObject({ type: 'error', payload: { code: 'validation_failed', details: [{ path: '/store_id' }] } });
    expect(await c.request('nitha.thread.send.stream', { thread_id: 999_999, content: 'x' })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('nitha.thread.send.stream', { store_id: 999_999, content: 'x' })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('nitha.thread.send.stream', { thread_id: thread.id, content: 'x' })).toMatchObject({ type: 'error', payload: { code: 'validation_failed' } });
    expect(await c.request('ai.thread.send', { thread_id: nitha, content: 'x' })).toMatchObject({ type: 'error', payload: { code: 'validation_failed' } });
    c.close();

    // The messages survive a restart with --state.
    await h.close();
    h = await harness({ stateFile: state, seed });
    const d = await h.ws(key);
    expect((await d.request('ai.threads.get', { thread_id: thread.id })).payload.messages).toHaveLength(4);
    d.close();
  });
});
