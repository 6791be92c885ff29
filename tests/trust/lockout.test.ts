import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../db/schema';
import { hashPassword } from '../../server/lib/password';
import { LOCK_MAX_MS, LOGIN_IP_BUDGET, lockMsAfter } from '../../server/modules/auth/loginThrottle';
import { MAX_PIN_FAILURES } from '../../server/modules/counter/cardPin';
import { createPassToken } from '../../server/modules/counter/passToken';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeUser, makeWorld, PASSWORD } from '../support/factories';

/** The test app trusting X-Forwarded-For, so a test can play several client addresses. */
function appBehindProxy(config = testConfig): TestApp {
  return makeTestApp(undefined, { ...config, trustProxy: true });
}

const attempt = (t: TestApp, username: string, password: string, ip = '10.0.0.1') =>
  call(t, 'POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });

const statuses = (rs: { status: number }[]) => rs.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});

// Through t.sql: the database the app runs over, on either engine.
const lockState = async (t: TestApp, userId: number) =>
  (await t.sql.get<{ failedLogins: number; lockedUntil: number | null }>('SELECT failed_logins AS "failedLogins", locked_until AS "lockedUntil" FROM users WHERE id = ?', [userId]))!;

describe('login attempts are counted before the password is hashed', () => {
  it('29 wrong passwords and the right one fired at once never log in; only five are ever checked', async () => {
    const t = appBehindProxy();
    const w = await makeWorld(t);
    const burst = [...Array.from({ length: 29 }, (_, i) => attempt(t, 'cadre', `wrong-${i}-pw`)), attempt(t, 'cadre', PASSWORD)];
    const answers = await Promise.all(burst);
    expect(answers.some((r) => r.status === 200)).toBe(false);
    expect(statuses(answers)).toEqual({ 401: 5, 429: 25 });
    expect(answers.at(-1)!.body.error.code).toBe('account_locked');
    // One burst locks for the first step of the schedule, not longer.
    expect(await lockState(t, w.users.cadre.id)).toEqual({ failedLogins: 5, lockedUntil: t.clock.now.getTime() + lockMsAfter(5) });
  });

  it('the right password in the middle of a burst is refused too once five guesses are in flight', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    const burst = Array.from({ length: 30 }, (_, i) => attempt(t, 'reviewer', i === 12 ? PASSWORD : `wrong-${i}-pw`));
    const answers = await Promise.all(burst);
    expect(answers[12].status).toBe(429);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(5);
  });

  it('a burst cannot stretch the lock: blocked attempts add nothing, each later step admits one guess', async () => {
    const t = appBehindProxy();
    const w = await makeWorld(t);
    const id = w.users.clerk.id;
    const start = t.clock.now.getTime();
    await Promise.all(Array.from({ length: 100 }, () => attempt(t, 'clerk', 'wrong-password')));
    expect(await lockState(t, id)).toEqual({ failedLogins: 5, lockedUntil: start + 60_000 });

    // While locked: another hundred change nothing.
    t.clock.advance(30_000);
    const during = await Promise.all(Array.from({ length: 100 }, () => attempt(t, 'clerk', 'wrong-password')));
    expect(statuses(during)).toEqual({ 429: 100 });
    expect(Number(during[0].headers.get('retry-after'))).toBe(30);
    expect(await lockState(t, id)).toEqual({ failedLogins: 5, lockedUntil: start + 60_000 });

    // Each step of the schedule lets exactly one guess through, and the lock grows by the schedule only.
    let now = start + 60_000;
    for (let failures = 6; failures <= 12; failures += 1) {
      t.clock.set(new Date(now).toISOString());
      const step = await Promise.all(Array.from({ length: 40 }, () => attempt(t, 'clerk', 'wrong-password')));
      expect(statuses(step)).toEqual({ 401: 1, 429: 39 });
      now += lockMsAfter(failures);
      expect(await lockState(t, id)).toEqual({ failedLogins: failures, lockedUntil: now });
    }
    expect(lockMsAfter(12)).toBe(LOCK_MAX_MS);
    expect(LOCK_MAX_MS).toBe(15 * 60_000);
    // At the end of the lock the right password works and starts the count over.
    t.clock.set(new Date(now).toISOString());
    expect((await attempt(t, 'clerk', PASSWORD)).status).toBe(200);
    expect(await lockState(t, id)).toEqual({ failedLogins: 0, lockedUntil: null });
  });

  it('forgets failures a day after the last one', async () => {
    const t = appBehindProxy();
    const w = await makeWorld(t);
    for (let i = 0; i < 4; i += 1) expect((await attempt(t, 'cadre', 'wrong-password')).status).toBe(401);
    t.clock.advance(24 * 3600_000);
    expect((await attempt(t, 'cadre', 'wrong-password')).status).toBe(401);
    expect((await lockState(t, w.users.cadre.id)).failedLogins).toBe(1);
  });

  it('a hundred failures from one address against one account lock neither the address nor other accounts', async () => {
    const t = appBehindProxy();
    const w = await makeWorld(t);
    let failures = 0;
    // Wait out every lock so that all hundred are really checked (about a day of trying).
    while (failures < 100) {
      const r = await attempt(t, 'cadre', `guess-${failures}`, '10.7.7.7');
      if (r.status === 401) failures += 1;
      else {
        expect(r.body.error.code).toBe('account_locked');
        t.clock.advance(Number(r.headers.get('retry-after')) * 1000);
      }
    }
    expect((await lockState(t, w.users.cadre.id)).failedLogins).toBe(100);
    // The neighbours behind the same address still log in, and so does the cadre once its lock ends.
    expect((await attempt(t, 'reviewer', PASSWORD, '10.7.7.7')).status).toBe(200);
    expect((await attempt(t, 'household', PASSWORD, '10.7.7.7')).status).toBe(200);
    t.clock.advance(LOCK_MAX_MS);
    expect((await attempt(t, 'cadre', PASSWORD, '10.7.7.7')).status).toBe(200);
  });

  it('a hundred failures at once against one account from a village address leave its neighbours alone', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(t, 'cadre', `guess-${i}`, '10.8.8.8')));
    expect((await attempt(t, 'reviewer', PASSWORD, '10.8.8.8')).status).toBe(200);
    expect((await attempt(t, 'clerk', PASSWORD, '10.8.8.8')).status).toBe(200);
  });

  it('an address spraying many usernames is stopped, in parallel as in sequence, and only that address', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    const spray = await Promise.all(Array.from({ length: LOGIN_IP_BUDGET.max + 50 }, (_, i) => attempt(t, `nobody-${i}`, 'guess-guess', '10.9.9.9')));
    expect(spray.filter((r) => r.status === 401)).toHaveLength(LOGIN_IP_BUDGET.max);
    const stopped = await attempt(t, 'cadre', PASSWORD, '10.9.9.9');
    expect(stopped.status).toBe(429);
    expect(stopped.body.error.code).toBe('too_many_requests');
    expect((await attempt(t, 'cadre', PASSWORD, '10.1.1.1')).status).toBe(200);
  });

  it('a right password gives its attempt back to the address', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    for (let i = 0; i < LOGIN_IP_BUDGET.max + 20; i += 1) expect((await attempt(t, 'cadre', PASSWORD, '10.2.2.2')).status).toBe(200);
  });

  it('an unknown username locks like a real one, so the lock does not tell which exist', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    const answers = async (username: string) => {
      const out: { status: number; code: string; retryAfter: string | null }[] = [];
      for (let i = 0; i < 7; i += 1) {
        const r = await attempt(t, username, 'wrong-password');
        out.push({ status: r.status, code: r.body.error.code, retryAfter: r.headers.get('retry-after') });
      }
      return out;
    };
    const real = await answers('cadre');
    const unknown = await answers('no-such-user');
    expect(unknown).toEqual(real);
    expect(real.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});

describe('unknown and real usernames take the same time', () => {
  it('the dummy hash costs what a real hash costs (medians of interleaved tries, ratio within 0.5–2)', async () => {
    // The same N for the accounts and the server, as in production; 2^14 rather than the tests' 1024 so
    // the hash, not the test machine's noise, is what is measured (a cheaper dummy would show as ~1/16).
    const N = 2 ** 14;
    const t = appBehindProxy({ ...testConfig, scryptN: N });
    const w = await makeWorld(t);
    const hash = await hashPassword('a-real-password', N);
    const tries = 11;
    for (let i = 0; i < tries; i += 1) {
      const u = await makeUser(t.db, 'reviewer', w.areas.villageA.id, { username: `real-${i}` });
      t.db.update(users).set({ passwordHash: hash }).where(eq(users.id, u.id)).run();
    }
    const time = async (username: string) => {
      const started = process.hrtime.bigint();
      const r = await attempt(t, username, 'wrong-password', '10.3.3.3');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect(r.status).toBe(401);
      return ms;
    };
    await time('warm-up-unknown');
    await time('real-0');
    const real: number[] = [];
    const unknown: number[] = [];
    // Alternate which goes first, so neither always follows the other's garbage collection.
    for (let i = 1; i < tries; i += 1) {
      if (i % 2) {
        real.push(await time(`real-${i}`));
        unknown.push(await time(`unknown-${i}`));
      } else {
        unknown.push(await time(`unknown-${i}`));
        real.push(await time(`real-${i}`));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(unknown) / median(real);
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms, real ${median(real).toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

/** A household of the first village with points and a printed card (PIN 2468); `otherClerk` serves another township. */
async function withCard() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 100);
  const cadre = await login(t, 'cadre');
  const clerk = await login(t, 'clerk');
  const otherClerk = await login(t, 'otherclerk');
  const card = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '2468' } });
  const lookup = (cookie: string, code: string, pin?: string) => call(t, 'POST', '/api/counter/lookup', { cookie, body: pin === undefined ? { code } : { code, pin } });
  const cardRow = async () =>
    (await t.sql.get<{ failedAttempts: number; lockedAt: number | null }>('SELECT failed_attempts AS "failedAttempts", locked_at AS "lockedAt" FROM household_cards WHERE id = ?', [card.body.id]))!;
  return { t, w, clerk, otherClerk, code: card.body.code as string, lookup, cardRow };
}

describe('card PINs are counted on the card before the hash', () => {
  // Fired at once, the requests reach the card in any order (on PostgreSQL truly so): the right PIN may be checked
  // before the fifth wrong one and answer as it should. What must hold in every order: at most five wrong PINs are
  // checked in a row, so without the right one exactly five, with it at most four before and five after; the card
  // ends locked either way (twenty wrong ones outnumber any reset).
  it('20 wrong PINs and the right one fired at once: never more than five wrong ones checked in a row, and the card locks', async () => {
    const { clerk, code, lookup, cardRow } = await withCard();
    const answers = await Promise.all([...Array.from({ length: 20 }, (_, i) => lookup(clerk, code, String(1000 + i))), lookup(clerk, code, '2468')]);
    const wrong = answers.filter((r) => r.body.error?.code === 'wrong_pin').length;
    if (answers.some((r) => r.status === 200)) expect(wrong).toBeLessThanOrEqual(2 * MAX_PIN_FAILURES - 1);
    else expect(wrong).toBe(MAX_PIN_FAILURES);
    expect((await cardRow()).lockedAt).not.toBeNull();
    expect((await lookup(clerk, code, '2468')).status).toBe(423);
  });

  it('20 wrong PINs fired at once are checked five times, then the card is locked even for the right PIN', async () => {
    const { clerk, code, lookup, cardRow } = await withCard();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => lookup(clerk, code, String(1000 + i))));
    expect(answers.filter((r) => r.body.error.code === 'wrong_pin')).toHaveLength(MAX_PIN_FAILURES);
    expect((await cardRow()).lockedAt).not.toBeNull();
    expect((await lookup(clerk, code, '2468')).status).toBe(423);
  });

  it('20 wrong PINs and the right one fired at the redemption route: five wrong ones at most in a row, then nothing redeems', async () => {
    const { t, w, clerk, code, cardRow } = await withCard();
    const redeem = (pin: string, i: number) =>
      call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': `pin-burst-${i}` }, body: { code, pin, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    const answers = await Promise.all([...Array.from({ length: 20 }, (_, i) => redeem(String(3000 + i), i)), redeem('2468', 99)]);
    // In any order of arrival (see above): the right PIN redeems only if checked before the fifth wrong one.
    const wrong = answers.filter((r) => r.body.error?.code === 'wrong_pin').length;
    if (answers.some((r) => r.status === 201)) expect(wrong).toBeLessThanOrEqual(2 * MAX_PIN_FAILURES - 1);
    else expect(wrong).toBe(MAX_PIN_FAILURES);
    expect((await cardRow()).lockedAt).not.toBeNull();
    const after = await redeem('2468', 100);
    expect(after.status).not.toBe(201);
  });

  it('the right PIN after four wrong ones still works and starts the count over', async () => {
    const { clerk, code, lookup, cardRow } = await withCard();
    for (let left = 4; left >= 1; left -= 1) {
      const r = await lookup(clerk, code, '0000');
      expect(r.body.error).toMatchObject({ code: 'wrong_pin', details: { attemptsLeft: left } });
    }
    expect((await lookup(clerk, code, '2468')).status).toBe(200);
    expect(await cardRow()).toMatchObject({ failedAttempts: 0, lockedAt: null });
  });
});

describe('a clerk of another area learns nothing about a card or code and cannot lock it', () => {
  it('answers a right PIN, a wrong PIN, a locked card and a card that does not exist identically', async () => {
    const { clerk, otherClerk, code, lookup, cardRow } = await withCard();
    const missing = 'C1.AAAAAAAAAAAAAAAAAAAAAAAA';
    const right = await lookup(otherClerk, code, '2468');
    const wrong = await lookup(otherClerk, code, '1357');
    const none = await lookup(otherClerk, missing, '2468');
    const noPin = await lookup(otherClerk, code);
    const noneNoPin = await lookup(otherClerk, missing);
    for (const r of [right, wrong, noPin, noneNoPin]) expect({ status: r.status, body: r.body }).toEqual({ status: none.status, body: { error: { ...none.body.error, requestId: expect.any(String) } } });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('card_not_found');

    // Many wrong PINs from the other area never count on the card.
    for (let i = 0; i < 12; i += 1) await lookup(otherClerk, code, String(5000 + i));
    expect(await cardRow()).toMatchObject({ failedAttempts: 0, lockedAt: null });
    expect((await lookup(clerk, code, '2468')).status).toBe(200);

    // Locked or revoked, the card still looks absent from the other area.
    for (let i = 0; i < MAX_PIN_FAILURES; i += 1) await lookup(clerk, code, '0000');
    expect((await cardRow()).lockedAt).not.toBeNull();
    const locked = await lookup(otherClerk, code, '2468');
    expect({ status: locked.status, body: locked.body }).toEqual({ status: none.status, body: { error: { ...none.body.error, requestId: expect.any(String) } } });
  });

  it('takes as long for a card of another area as for one that does not exist (the PIN is hashed either way)', async () => {
    const { otherClerk, code, lookup } = await withCard();
    const missing = 'C1.BBBBBBBBBBBBBBBBBBBBBBBB';
    const time = async (c: string, pin: string) => {
      const started = process.hrtime.bigint();
      await lookup(otherClerk, c, pin);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await time(missing, '1111');
    const foreign: number[] = [];
    const absent: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      foreign.push(await time(code, String(6000 + i)));
      absent.push(await time(missing, String(6000 + i)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(foreign) / median(absent);
    expect(ratio, `foreign ${median(foreign).toFixed(1)} ms, absent ${median(absent).toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('answers a one-time code of another area like one of a household that does not exist, whether live, expired or used', async () => {
    const { t, w, otherClerk } = await withCard();
    const household = await login(t, 'household');
    const lookup = (code: string) => call(t, 'POST', '/api/counter/lookup', { cookie: otherClerk, body: { code } });
    const ghost = createPassToken(testConfig.passSecret, 999_999, t.clock.now.getTime() + 60_000).token;
    const absent = await lookup(ghost);
    expect(absent.status).toBe(404);
    const live = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
    const expired = createPassToken(testConfig.passSecret, w.household.id, t.clock.now.getTime() - 1000).token;
    const clerk = await login(t, 'clerk');
    const used = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
    expect(
      (await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'used-code-1' }, body: { code: used, items: [{ goodsId: w.soap.id, quantity: 1 }] } })).status,
    ).toBe(201);
    for (const code of [live, expired, used]) {
      const r = await lookup(code);
      expect({ status: r.status, body: r.body }).toEqual({ status: absent.status, body: { error: { ...absent.body.error, requestId: expect.any(String) } } });
      const redeem = await call(t, 'POST', '/api/redemptions', { cookie: otherClerk, headers: { 'idempotency-key': `foreign-${code.slice(-8)}` }, body: { code, items: [{ goodsId: w.otherGoods.id, quantity: 1 }] } });
      expect(redeem.status).toBe(404);
      expect(redeem.body).toEqual({ error: { ...absent.body.error, requestId: expect.any(String) } });
    }
  });
});

describe('an admin lifts a login lock', () => {
  async function locked() {
    const t = appBehindProxy();
    const w = await makeWorld(t);
    const peer = await makeUser(t.db, 'township_admin', w.areas.townA.id, { username: 'township-peer' });
    const otherTownship = await makeUser(t.db, 'township_admin', w.areas.townB.id, { username: 'township-west' });
    const lockOut = async (username: string) => {
      for (let i = 0; i < 5; i += 1) await attempt(t, username, 'wrong-password', '10.6.6.6');
      expect((await attempt(t, username, PASSWORD, '10.6.6.6')).status).toBe(429);
    };
    return { t, w, peer, otherTownship, lockOut };
  }
  const unlock = (t: TestApp, cookie: string, userId: number) => call(t, 'POST', `/api/users/${userId}/unlock`, { cookie });

  it('a township admin unlocks a clerk of its township: the clerk logs in at once and the audit log says who', async () => {
    const { t, w, lockOut } = await locked();
    await lockOut('clerk');
    const admin = await login(t, 'township');
    const r = await unlock(t, admin, w.users.clerk.id);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: w.users.clerk.id, locked: false, wasLocked: true });
    expect((await attempt(t, 'clerk', PASSWORD, '10.6.6.6')).status).toBe(200);
    const audit = (action: string) =>
      t.sql.all<{ actorId: number | null; actorRole: string | null; areaId: number | null; before: string | null }>(
        'SELECT actor_id AS "actorId", actor_role AS "actorRole", area_id AS "areaId", "before" FROM audit_log WHERE action = ? AND entity_id = ?',
        [action, String(w.users.clerk.id)],
      );
    const rows = await audit('user.unlock');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: w.users.township.id, actorRole: 'township_admin', areaId: w.areas.villageA.id });
    expect(JSON.parse(rows[0].before!)).toMatchObject({ failedLogins: 5 });
    // The lock itself was audited when it happened.
    expect(await audit('user.lock')).toHaveLength(1);
  });

  it('a county admin unlocks a township admin; a peer township admin cannot', async () => {
    const { t, w, peer, lockOut } = await locked();
    await lockOut('township');
    const byPeer = await unlock(t, await login(t, 'township-peer'), w.users.township.id);
    expect(byPeer.status).toBe(403);
    expect((await attempt(t, 'township', PASSWORD, '10.6.6.6')).status).toBe(429);
    expect((await unlock(t, await login(t, 'county'), w.users.township.id)).status).toBe(200);
    expect((await attempt(t, 'township', PASSWORD, '10.6.6.6')).status).toBe(200);
    expect(peer.id).toBeGreaterThan(0);
  });

  it('a cadre cannot unlock a clerk, a reviewer or another cadre of its own village, but may unlock its households', async () => {
    const { t, w, lockOut } = await locked();
    await lockOut('household');
    const cadre = await login(t, 'cadre');
    for (const target of [w.users.clerk, w.users.reviewer, w.users.cadre2]) {
      const r = await unlock(t, cadre, target.id);
      expect(r.status).toBe(403);
    }
    expect((await unlock(t, cadre, w.users.household.id)).status).toBe(200);
    expect((await attempt(t, 'household', PASSWORD, '10.6.6.6')).status).toBe(200);
  });

  it('refuses other roles (403), other areas (404) and one’s own account', async () => {
    const { t, w, otherTownship } = await locked();
    for (const username of ['reviewer', 'clerk', 'household']) {
      expect((await unlock(t, await login(t, username), w.users.cadre.id)).status).toBe(403);
    }
    const township = await login(t, 'township');
    expect((await unlock(t, township, w.users.otherClerk.id)).status).toBe(404);
    expect((await unlock(t, township, otherTownship.id)).status).toBe(404);
    expect((await unlock(t, township, 9_999_999)).status).toBe(404);
    expect((await unlock(t, township, w.users.township.id)).status).toBe(403);
    expect(await t.sql.all(`SELECT id FROM audit_log WHERE action = 'user.unlock'`)).toHaveLength(0);
  });
});
