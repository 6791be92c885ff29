import { describe, expect, it } from 'vitest';
import { TYPED_CODE_BUDGETS } from '../../server/modules/counter/identify';
import { makeTestApp } from '../support/app';
import { call, grantPoints, login, makeUser, makeWorld } from '../support/factories';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 500);
  const clerk = await login(t, 'clerk');
  const household = await login(t, 'household');
  const pass = async () => (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body as { code: string; digits: string; digitsGrouped: string };
  let n = 0;
  const redeem = (code: string, extra: Record<string, unknown> = {}) =>
    call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': `typed-code-${++n}` }, body: { code, items: [{ goodsId: w.soap.id, quantity: 1 }], ...extra } });
  const lookup = (code: string, cookie = clerk) => call(t, 'POST', '/api/counter/lookup', { cookie, body: { code } });
  return { t, w, clerk, pass, redeem, lookup };
}

/** 18 digits that are no live code: the prefix and a counter. */
const wrong = (i: number) => `28${String(1e15 + i).padStart(16, '0')}`;

describe('the typed numeric code', () => {
  it('is shown as 18 digits in groups under the QR code and identifies the same household, typed with spaces or full-width', async () => {
    const { w, pass, lookup } = await setup();
    const p = await pass();
    expect(p.digits).toMatch(/^28\d{16}$/);
    expect(p.digitsGrouped).toMatch(/^28 \d{4} \d{4} \d{4} \d{4}$/);
    expect(p.digitsGrouped.replace(/ /g, '')).toBe(p.digits);
    const res = await lookup(p.digitsGrouped);
    expect(res.status).toBe(200);
    expect(res.body.household.id).toBe(w.household.id);
    const fullWidth = p.digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect((await lookup(fullWidth)).status).toBe(200);
  });

  it('is one-time together with its QR code: spending either spends both', async () => {
    const { pass, redeem } = await setup();
    const a = await pass();
    expect((await redeem(a.digits)).status).toBe(201);
    expect((await redeem(a.code)).body.error.code).toBe('code_used');
    const b = await pass();
    expect((await redeem(b.code)).status).toBe(201);
    expect((await redeem(b.digits)).body.error.code).toBe('code_used');
  });

  it('expires with its QR code (410) and is forgotten afterwards', async () => {
    const { t, pass, redeem, lookup } = await setup();
    const p = await pass();
    t.clock.advance(61_000);
    expect((await redeem(p.digits)).status).toBe(410);
    expect((await lookup(p.digits)).body.error.code).toBe('code_expired');
    await pass(); // issuing prunes expired twins
    expect((await lookup(p.digits)).status).toBe(404);
  });

  it('stores only an HMAC of the digits, never the digits', async () => {
    const { t, pass } = await setup();
    const p = await pass();
    const rows = await t.sql.all<Record<string, unknown>>('SELECT * FROM pass_codes');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(p.digits);
  });

  it('answers a number of a household the store does not serve like an unknown one (404)', async () => {
    const { t, w } = await setup();
    const other = await makeUser(t.db, 'household', w.areas.villageB.id, { username: 'other-household', householdId: w.otherHousehold.id });
    expect(other.id).toBeGreaterThan(0);
    const cookie = await login(t, 'other-household');
    const p = (await call(t, 'POST', `/api/households/${w.otherHousehold.id}/pass`, { cookie })).body;
    const clerk = await login(t, 'clerk');
    const res = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: p.digits } });
    expect(res.status).toBe(404);
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: wrong(1) } })).body.error).toMatchObject({ code: res.body.error.code, message: res.body.error.message });
  });

  it(`throttles wrong numbers per clerk: after ${TYPED_CODE_BUDGETS.clerk.max} misses even the right number waits (429), another clerk is not blocked`, async () => {
    const { t, w, pass, lookup } = await setup();
    for (let i = 0; i < TYPED_CODE_BUDGETS.clerk.max; i++) expect((await lookup(wrong(i))).status).toBe(404);
    const p = await pass();
    const blocked = await lookup(p.digits);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
    await makeUser(t.db, 'clerk', w.areas.villageA.id, { username: 'clerk2' });
    expect((await lookup(p.digits, await login(t, 'clerk2'))).status).toBe(200);
    t.clock.advance(TYPED_CODE_BUDGETS.clerk.windowMs);
    const fresh = await pass();
    expect((await lookup(fresh.digits)).status).toBe(200);
  });

  it('right numbers do not use up the budget', async () => {
    const { pass, lookup } = await setup();
    const p = await pass();
    for (let i = 0; i < TYPED_CODE_BUDGETS.clerk.max + 5; i++) expect((await lookup(p.digits)).status).toBe(200);
  });

  it('20 parallel wrong guesses get no more than the budget allows', async () => {
    const { lookup } = await setup();
    const answers = await Promise.all(Array.from({ length: TYPED_CODE_BUDGETS.clerk.max + 20 }, (_, i) => lookup(wrong(i))));
    expect(answers.filter((a) => a.status === 404)).toHaveLength(TYPED_CODE_BUDGETS.clerk.max);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
  });

  it('throttles wrong numbers per address across clerks', async () => {
    const { t, w } = await setup();
    const cookies: string[] = [];
    for (let i = 0; i < 4; i++) {
      await makeUser(t.db, 'clerk', w.areas.villageA.id, { username: `ipclerk${i}` });
      cookies.push(await login(t, `ipclerk${i}`));
    }
    const from = (cookie: string, code: string) => call(t, 'POST', '/api/counter/lookup', { cookie, body: { code }, headers: { 'x-forwarded-for': '203.0.113.9' } });
    let misses = 0;
    for (const cookie of cookies) for (let i = 0; i < TYPED_CODE_BUDGETS.clerk.max; i++) if ((await from(cookie, wrong(misses + 1000))).status === 404) misses++;
    // 4 clerks × 20 would be 80 guesses from one address: the address stops them at its own budget.
    expect(misses).toBe(TYPED_CODE_BUDGETS.ip.max);
  });

  it('a printed card is typed as its number with the PIN; without the PIN the number tells nothing', async () => {
    const { t, w, redeem } = await setup();
    const cadre = await login(t, 'cadre');
    const card = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '2468' } });
    expect(card.body.number).toMatch(/^9\d{11}$/);
    const clerk = await login(t, 'clerk');
    const noPin = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: card.body.number } });
    expect(noPin.body.error.code).toBe('pin_required');
    const unknownNoPin = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: '900000000001' } });
    expect(unknownNoPin.body.error).toMatchObject({ code: noPin.body.error.code, message: noPin.body.error.message });
    const grouped = card.body.number.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
    const ok = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: grouped, pin: '2468' } });
    expect(ok.status).toBe(200);
    expect(ok.body.via).toBe('card');
    expect((await redeem(card.body.number, { pin: '2468' })).status).toBe(201);
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: card.body.number, pin: '1111' } })).body.error.code).toBe('wrong_pin');
  });
});
