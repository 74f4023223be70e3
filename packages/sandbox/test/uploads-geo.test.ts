import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { haversineMeters } from '../src/features/geo.js';
import { manualClock } from '../src/index.js';
import { harness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const A = '/api/v1/s2s/accounts';
const b64 = (b: Buffer) => b.toString('base64');

describe('chunked upload (WS file.stream.*)', () => {
  it('keeps the session, checks order and sizes, assembles the File on complete (readable over REST)', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'sandbox-upload-')), 'state.json');
    const seed = { apiKeys: [{ name: 'ci', username: 'pk_ci', secret: 'sk_ci_secret' }] };
    const key = { username: 'pk_ci', secret: 'sk_ci_secret' };
    const clock = manualClock();
    h = await harness({ stateFile: state, seed, clock });
    const bytes = Buffer.alloc(262_144 + 1000, 7);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    let c = await h.ws(key);
    const started = (await c.request('file.stream.start', { name: 'scan.jpg', content_type: 'image/jpeg', size: bytes.length, sha256 })).payload;
    expect(started).toMatchObject({ chunk_size: 262_144 });
    expect(started.expires_at).toBe(Math.floor(clock.now() / 1000) + 3600);
    const chunk = (seq: number, data: Buffer, upload_id = started.upload_id) => c.request('file.stream.chunk', { upload_id, seq, data: b64(data) });
    const first = bytes.subarray(0, 262_144);
    expect(await chunk(1, first)).toMatchObject({ type: 'error', payload: { code: 'chunk_out_of_order', details: [{ path: '/seq', message: 'expected 0' }] } });
    expect(await chunk(0, Buffer.alloc(262_145))).toMatchObject({ type: 'error', payload: { code: 'payload_too_large' } });
    expect(await c.request('file.stream.chunk', { upload_id: started.upload_id, seq: 0, data: 'AAA' + 'A'.repeat(1) + 'x' })).toMatchObject({ type: 'error', payload: { code: 'validation_failed' } });
    expect((await chunk(0, first)).payload).toEqual({ upload_id: started.upload_id, seq: 0, received_bytes: 262_144, total_bytes: bytes.length });
    // A lost acknowledgement: the same chunk again is acknowledged without appending.
    expect((await chunk(0, first)).payload.received_bytes).toBe(262_144);
    expect(await chunk(1, Buffer.alloc(1001, 7))).toMatchObject({ type: 'error', payload: { code: 'upload_size_mismatch' } });
    expect(await chunk(0, first, 'up_nope')).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    c.close();

    // The open upload survives a restart with --state.
    await h.close();
    h = await harness({ stateFile: state, seed, clock });
    c = await h.ws(key);
    expect((await chunk(1, bytes.subarray(262_144))).payload).toMatchObject({ seq: 1, received_bytes: bytes.length });
    const file = await c.request('file.stream.complete', { upload_id: started.upload_id });
    expect(file).toMatchObject({ type: 'file.stream.complete.ok', payload: { name: 'scan.jpg', content_type: 'image/jpeg', size: bytes.length } });
    const k = h.s2s(key);
    expect((await h.call('GET', `${A}/files/${file.payload.id}`, { headers: k })).body).toMatchObject({ id: file.payload.id, name: 'scan.jpg', size: bytes.length });
    expect((await c.request('account.files.get', { file_id: file.payload.id })).payload.id).toBe(file.payload.id);
    expect(await c.request('file.stream.complete', { upload_id: started.upload_id })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });

    // Short upload and wrong checksum: errors that end the upload.
    const short = (await c.request('file.stream.start', { name: 'a.txt', content_type: 'text/plain', size: 10 })).payload;
    await c.request('file.stream.chunk', { upload_id: short.upload_id, seq: 0, data: b64(Buffer.from('hello')) });
    expect(await c.request('file.stream.complete', { upload_id: short.upload_id })).toMatchObject({ type: 'error', payload: { code: 'upload_size_mismatch' } });
    expect(await c.request('file.stream.complete', { upload_id: short.upload_id })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    const bad = (await c.request('file.stream.start', { name: 'b.txt', content_type: 'text/plain', size: 5, sha256: '0'.repeat(64) })).payload;
    await c.request('file.stream.chunk', { upload_id: bad.upload_id, seq: 0, data: b64(Buffer.from('hello')) });
    expect(await c.request('file.stream.complete', { upload_id: bad.upload_id })).toMatchObject({ type: 'error', payload: { code: 'checksum_mismatch' } });
    // Too big, and expiry.
    expect(await c.request('file.stream.start', { name: 'big.bin', content_type: 'application/octet-stream', size: 10_485_761 })).toMatchObject({ type: 'error', payload: { code: 'payload_too_large' } });
    const late = (await c.request('file.stream.start', { name: 'c.txt', content_type: 'text/plain', size: 5 })).payload;
    clock.advance(3601_000);
    c.close();
    const k2 = await h.newKey();
    c = await h.ws(k2);
    expect(await c.request('file.stream.chunk', { upload_id: late.upload_id, seq: 0, data: b64(Buffer.from('hello')) })).toMatchObject({ type: 'error', payload: { code: 'upload_expired' } });
    expect(await c.request('file.stream.complete', { upload_id: late.upload_id })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    c.close();
  });
});

describe('geocoding and estimates from the stored locations', () => {
  const now = Math.floor(Date.now() / 1000);
  const loc = (id: number, name: string, latitude: number, longitude: number, address: object) => ({ id, account_id: 42, name, coordinates: { latitude, longitude }, address, created_at: now, updated_at: now });
  const seed = {
    resources: {
      Location: [
        loc(101, 'Fresh Mart Hub', 12.9716, 77.5946, { line1: '12, 100 Feet Road', locality: 'Indiranagar', city: 'Bengaluru', state: 'Karnataka', postal_code: '560038', country: 'IN' }),
        loc(205, 'Koramangala Depot', 12.9352, 77.6245, { line1: '80 Feet Road', locality: 'Koramangala', city: 'Bengaluru', state: 'Karnataka', postal_code: '560034', country: 'IN' }),
      ],
    },
  };

  it('geocode, reverse geocode and estimate answer from the records (REST and WS alike)', async () => {
    h = await harness({ seed });
    const k = h.s2s(await h.newKey());
    const geo = await h.call('GET', `${A}/locations/address/coordinates?address=${encodeURIComponent('80 Feet Road, Koramangala')}`, { headers: k });
    expect(geo.body).toEqual({
      query: '80 Feet Road, Koramangala',
      coordinates: { latitude: 12.9352, longitude: 77.6245 },
      address: seed.resources.Location[1]!.address,
      formatted_address: '80 Feet Road, Koramangala, Bengaluru, Karnataka 560034, IN',
      confidence: 1,
    });
    expect(await h.call('GET', `${A}/locations/address/coordinates?address=Atlantis%20Harbour`, { headers: k })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const rev = await h.call('GET', `${A}/locations/coordinates/address?latitude=12.972&longitude=77.595`, { headers: k });
    expect(rev.body).toMatchObject({ coordinates: { latitude: 12.9716, longitude: 77.5946 }, formatted_address: '12, 100 Feet Road, Indiranagar, Bengaluru, Karnataka 560038, IN' });
    expect((await h.call('GET', `${A}/locations/coordinates/address?latitude=0&longitude=0`, { headers: k })).status).toBe(404);

    const straight = haversineMeters({ latitude: 12.9716, longitude: 77.5946 }, { latitude: 12.9352, longitude: 77.6245 });
    expect(straight).toBeGreaterThan(5000);
    expect(straight).toBeLessThan(5300);
    const est = await h.call('POST', `${A}/locations/estimate`, { body: { origin: { location_id: 101 }, destination: { latitude: 12.9352, longitude: 77.6245 }, vehicle_type: 'truck' }, headers: k });
    const distance = Math.round(straight * 1.3);
    expect(est.body).toEqual({ distance_m: distance, duration_s: Math.round(distance / (20 / 3.6)), vehicle_type: 'truck' });
    const byId = await h.call('POST', `${A}/locations/estimate`, { body: { origin: { location_id: 101 }, destination: { location_id: 205 } }, headers: k });
    expect(byId.body).toEqual({ distance_m: distance, duration_s: Math.round(distance / (30 / 3.6)), vehicle_type: 'bike' });
    expect((await h.call('POST', `${A}/locations/estimate`, { body: { origin: { location_id: 999 }, destination: { location_id: 205 } }, headers: k })).status).toBe(422);

    const c = await h.ws(await h.newKey());
    expect((await c.request('account.location.address.coordinates', { address: 'Indiranagar Bengaluru' })).payload.coordinates).toEqual({ latitude: 12.9716, longitude: 77.5946 });
    expect((await c.request('account.location.coordinates.address', { latitude: 12.9353, longitude: 77.6246 })).payload.address.locality).toBe('Koramangala');
    expect((await c.request('account.location.estimate', { origin: { location_id: 205 }, destination: { location_id: 101 }, vehicle_type: 'truck' })).payload.distance_m).toBe(distance);
    c.close();
  });
});
