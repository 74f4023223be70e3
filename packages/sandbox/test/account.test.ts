import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../src/index.js';
import { harness, otpFor, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const A = '/api/v1/s2s/accounts';

describe('contact and e-mail verification', () => {
  it('initiate logs an OTP, confirm with it changes the profile; wrong, expired and unknown verifications fail as the spec says', async () => {
    const clock = manualClock();
    h = await harness({ clock });
    const k = h.s2s(await h.newKey());
    const started = await h.call('POST', `${A}/initiate_contact_update`, { body: { contact: '+919812345678' }, headers: k });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ channel: 'sms', destination: '+91******5678', expires_at: started.body.resend_after + 540 });
    expect(started.body.verification_id).toMatch(/^cv_/);
    const otp = otpFor(h.lines, '+919812345678');
    // The OTP is in its one log line only: not in the answer, the state, inspect or JSON of the core.
    expect(JSON.stringify(started.body)).not.toContain(otp);
    expect(JSON.stringify(h.sandbox.snapshot())).not.toContain(otp);
    expect(inspect(h.core, { depth: 8 })).not.toContain(`'${otp}'`);
    expect(h.lines.filter((l) => l.includes(otp))).toHaveLength(1);

    // Before resend_after, the same number again → 429 with Retry-After.
    const again = await h.call('POST', `${A}/initiate_contact_update`, { body: { contact: '+919812345678' }, headers: k });
    expect(again).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    expect(Number(again.headers.get('retry-after'))).toBe(60);

    const wrong = otp === '000000' ? '111111' : '000000';
    const bad = await h.call('POST', `${A}/update_contact`, { body: { verification_id: started.body.verification_id, otp: wrong }, headers: k });
    expect(bad).toMatchObject({ status: 422, body: { code: 'validation_failed', details: [{ path: '/otp', message: 'is wrong (4 attempts left)' }] } });
    expect(JSON.stringify(bad.body)).not.toContain(otp);
    expect((await h.call('GET', A, { headers: k })).body.contact).toBe('+919876543210');
    expect(await h.call('POST', `${A}/update_contact`, { body: { verification_id: 'cv_nope', otp }, headers: k })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const done = await h.call('POST', `${A}/update_contact`, { body: { verification_id: started.body.verification_id, otp }, headers: k });
    expect(done).toMatchObject({ status: 200, body: { contact: '+919812345678', contact_verified: true } });
    expect((await h.call('GET', A, { headers: k })).body).toMatchObject({ contact: '+919812345678', email: 'ops@freshmart.example' });
    // Used once: the verification is gone.
    expect((await h.call('POST', `${A}/update_contact`, { body: { verification_id: started.body.verification_id, otp }, headers: k })).status).toBe(404);

    // E-mail: expiry → 422 at /otp, then the id is unknown.
    const mail = await h.call('POST', `${A}/initiate_email_update`, { body: { email: 'owner@freshmart.example' }, headers: k });
    expect(mail.body).toMatchObject({ channel: 'email', destination: 'o***@freshmart.example' });
    const mailOtp = otpFor(h.lines, 'owner@freshmart.example');
    expect((await h.call('POST', `${A}/update_email`, { body: { verification_id: mail.body.verification_id, otp: mailOtp }, headers: { ...k } })).status).toBe(200);
    expect((await h.call('GET', A, { headers: k })).body.email).toBe('owner@freshmart.example');
    const late = await h.call('POST', `${A}/initiate_email_update`, { body: { email: 'late@freshmart.example' }, headers: k });
    clock.advance(601_000);
    const k2 = h.s2s(await h.newKey());
    expect(await h.call('POST', `${A}/update_email`, { body: { verification_id: late.body.verification_id, otp: otpFor(h.lines, 'late@freshmart.example') }, headers: k2 })).toMatchObject({ status: 422, body: { details: [{ path: '/otp' }] } });
    expect((await h.call('POST', `${A}/update_email`, { body: { verification_id: late.body.verification_id, otp: '123456' }, headers: k2 })).status).toBe(404);
    expect((await h.call('GET', A, { headers: k2 })).body.email).toBe('owner@freshmart.example');
    // A contact verification id does not confirm an e-mail change.
    const c2 = await h.call('POST', `${A}/initiate_contact_update`, { body: { contact: '+919800000001' }, headers: k2 });
    expect((await h.call('POST', `${A}/update_email`, { body: { verification_id: c2.body.verification_id, otp: otpFor(h.lines, '+919800000001') }, headers: k2 })).status).toBe(404);
  });

  it('five wrong OTPs end the verification (counted across a restart with --state)', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'sandbox-verify-')), 'state.json');
    const seed = { apiKeys: [{ name: 'ci', username: 'pk_ci', secret: 'sk_ci_secret' }] };
    h = await harness({ stateFile: state, seed });
    const k = { 'x-api-key': 'pk_ci', 'x-api-secret': 'sk_ci_secret' };
    const v = (await h.call('POST', `${A}/initiate_email_update`, { body: { email: 'new@freshmart.example' }, headers: k })).body;
    const otp = otpFor(h.lines, 'new@freshmart.example');
    const wrong = otp === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) expect((await h.call('POST', `${A}/update_email`, { body: { verification_id: v.verification_id, otp: wrong }, headers: k })).status).toBe(422);
    expect(readFileSync(state, 'utf8')).not.toContain(otp);
    await h.close();
    h = await harness({ stateFile: state, seed });
    const fourth = await h.call('POST', `${A}/update_email`, { body: { verification_id: v.verification_id, otp: wrong }, headers: k });
    expect(fourth.body.details[0].message).toBe('is wrong (1 attempt left)');
    expect((await h.call('POST', `${A}/update_email`, { body: { verification_id: v.verification_id, otp: wrong }, headers: k })).body.details[0].message).toMatch(/no attempts left/);
    expect((await h.call('POST', `${A}/update_email`, { body: { verification_id: v.verification_id, otp }, headers: k })).status).toBe(404);
    expect((await h.call('GET', A, { headers: k })).body.email).toBe('ops@freshmart.example');
  });
});

describe('account password', () => {
  it('checks the current password, changes it, persists only its hash; the default is the spec example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-password-'));
    const state = join(dir, 'state.json');
    const seed = { apiKeys: [{ name: 'ci', username: 'pk_ci', secret: 'sk_ci_secret' }] };
    h = await harness({ stateFile: state, seed });
    const k = { 'x-api-key': 'pk_ci', 'x-api-secret': 'sk_ci_secret' };
    const change = (current_password: string, new_password: string) => h!.call('POST', `${A}/update_password`, { body: { current_password, new_password }, headers: k });
    const wrong = await change('not-the-password', 'brand-new-pass');
    expect(wrong).toMatchObject({ status: 422, body: { code: 'validation_failed', details: [{ path: '/current_password' }] } });
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-password');
    expect(await change('old-Passw0rd!', 'old-Passw0rd!')).toMatchObject({ status: 422, body: { details: [{ path: '/new_password' }] } });
    expect((await change('old-Passw0rd!', 'brand-new-pass')).status).toBe(204);
    expect((await change('old-Passw0rd!', 'another-pass')).status).toBe(422);
    const file = readFileSync(state, 'utf8');
    expect(file).not.toContain('brand-new-pass');
    expect(inspect(h.core, { depth: 8 })).not.toContain('brand-new-pass');
    await h.close();
    h = await harness({ stateFile: state, seed });
    expect((await change('brand-new-pass', 'third-pass-1')).status).toBe(204);
    // Reset restores the fixture's (here the default) password.
    expect((await h.call('POST', '/__sandbox/reset')).status).toBe(200);
    expect((await change('old-Passw0rd!', 'fourth-pass-1')).status).toBe(204);
    // A fixture chooses the password; it is not kept in clear in the core's fixture.
    await h.close();
    h = await harness({ seed: { ...seed, accountPassword: 'fixture-pass-1' } });
    expect(inspect(h.core.fixture())).not.toContain('fixture-pass-1');
    expect((await change('old-Passw0rd!', 'x-pass-1234')).status).toBe(422);
    expect((await change('fixture-pass-1', 'x-pass-1234')).status).toBe(204);
  });
});

describe('AFA challenges for contact / e-mail changes', () => {
  it('an AFA of purpose contact_update is the verification update_contact confirms with its afa_id; channels must fit the purpose', async () => {
    h = await harness();
    const k = h.s2s(await h.newKey());
    const afa = (body: object) => h!.call('POST', `${A}/afas`, { body, headers: k });
    const started = await afa({ purpose: 'contact_update', channel: 'whatsapp', recipient: '+919811112222' });
    expect(started).toMatchObject({ status: 201, body: { purpose: 'contact_update', status: 'sent', destination: '+91******2222' } });
    const otp = otpFor(h.lines, '+919811112222');
    expect(JSON.stringify(started.body)).not.toContain(otp);
    expect(JSON.stringify(h.sandbox.snapshot())).not.toContain(otp);
    const wrong = otp === '000000' ? '111111' : '000000';
    expect(await h.call('POST', `${A}/update_contact`, { body: { verification_id: started.body.afa_id, otp: wrong }, headers: k })).toMatchObject({ status: 422, body: { details: [{ path: '/otp' }] } });
    const done = await h.call('POST', `${A}/update_contact`, { body: { verification_id: started.body.afa_id, otp }, headers: k });
    expect(done).toMatchObject({ status: 200, body: { contact: '+919811112222', contact_verified: true } });
    const afaRecord = h.core.engine.store.all('AfaResponse', (r) => r.afa_id === started.body.afa_id)[0]!;
    expect(afaRecord.status).toBe('verified');
    // An e-mail change needs an e-mail challenge; other purposes have no OTP to confirm anything with.
    expect(await afa({ purpose: 'email_update', channel: 'sms', recipient: '+919811112222' })).toMatchObject({ status: 422, body: { details: [{ path: '/channel' }] } });
    const lines = h.lines.length;
    const tx = await afa({ purpose: 'transaction', channel: 'sms', recipient: '+919833334444' });
    expect(tx.status).toBe(201);
    expect(h.lines.slice(lines).some((l) => l.includes('OTP for'))).toBe(false);
    expect((await h.call('POST', `${A}/update_contact`, { body: { verification_id: tx.body.afa_id, otp: '123456' }, headers: k })).status).toBe(404);
  });
});

describe('createAfa rate limit', () => {
  it('a fourth active challenge for one recipient is a 429 with Retry-After until the oldest expires', async () => {
    const clock = manualClock();
    h = await harness({ clock });
    const k = h.s2s(await h.newKey());
    const afa = (body: object = {}) => h!.call('POST', `${A}/afas`, { body: { purpose: 'transaction', channel: 'sms', recipient: '+919876543210', ...body }, headers: k });
    expect((await afa({ ttl_seconds: 120 })).status).toBe(201);
    clock.advance(10_000);
    expect((await afa()).status).toBe(201);
    expect((await afa({ reference: 'r-1' })).status).toBe(201);
    // The same reference still returns the existing challenge (no new one is counted).
    expect((await afa({ reference: 'r-1' })).status).toBe(201);
    const limited = await afa();
    expect(limited).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBe(110);
    expect(JSON.stringify(limited.body)).not.toMatch(/recipient_key|\+91/);
    // Another recipient is not limited; after the oldest expires there is room again.
    expect((await afa({ recipient: '+919800000002' })).status).toBe(201);
    clock.advance(111_000);
    expect((await afa()).status).toBe(201);
  });
});
