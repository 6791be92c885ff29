import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { ACCOUNT_FREE_FAILURES, LOGIN_IP_BUDGET, lockMsAfter } from '../../server/modules/auth/loginThrottle';
import { MAX_PIN_FAILURES, PIN_IP_BUDGET } from '../../server/modules/counter/cardPin';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeUser, makeWorld, PASSWORD } from '../support/factories';

/** The test app, but trusting X-Forwarded-For so each test can play several client IPs. */
function appBehindProxy(): TestApp {
  const t = makeTestApp();
  t.app = createApp({ db: t.db, config: { ...testConfig, trustProxy: true }, now: () => t.clock.now });
  return t;
}

const attempt = (t: TestApp, username: string, password: string, ip = '10.0.0.1') =>
  call(t, 'POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });

describe('login throttling', () => {
  it('locks an account after 5 wrong passwords without locking out a neighbour on the same IP', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    for (let i = 0; i <= ACCOUNT_FREE_FAILURES; i += 1) {
      const r = await attempt(t, 'cadre', 'wrong-password');
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('bad_credentials');
    }
    // Locked: even the right password waits, and the answer says for how long.
    const locked = await attempt(t, 'cadre', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'account_locked', message: expect.any(String) });
    expect(Number(locked.headers.get('retry-after'))).toBe(60);
    // The neighbour behind the same village IP is not affected.
    expect((await attempt(t, 'reviewer', PASSWORD)).status).toBe(200);

    t.clock.advance(61_000);
    expect((await attempt(t, 'cadre', PASSWORD)).status).toBe(200);
    // A success clears the count: five more failures are needed for the next lock.
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i += 1) expect((await attempt(t, 'cadre', 'nope-nope')).status).toBe(401);
    expect((await attempt(t, 'cadre', PASSWORD)).status).toBe(200);
  });

  it('doubles the lockout with each further failure', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    for (let i = 0; i <= ACCOUNT_FREE_FAILURES; i += 1) await attempt(t, 'clerk', 'wrong-password');
    t.clock.advance(lockMsAfter(5) + 1000);
    expect((await attempt(t, 'clerk', 'wrong-again')).status).toBe(401);
    const r = await attempt(t, 'clerk', PASSWORD);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBe(lockMsAfter(6) / 1000);
    expect(lockMsAfter(6)).toBe(2 * lockMsAfter(5));
    expect(lockMsAfter(7)).toBe(4 * lockMsAfter(5));
  });

  it('gives each IP a wide failure budget: a spraying IP is stopped, other IPs are not', async () => {
    const t = appBehindProxy();
    await makeWorld(t);
    for (let i = 0; i < LOGIN_IP_BUDGET.max; i += 1) {
      expect((await attempt(t, `nobody-${i}`, 'guess-guess', '10.9.9.9')).status).toBe(401);
    }
    const stopped = await attempt(t, 'cadre', PASSWORD, '10.9.9.9');
    expect(stopped.status).toBe(429);
    expect(stopped.body.error.code).toBe('too_many_requests');
    expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt(t, 'cadre', PASSWORD, '10.1.1.1')).status).toBe(200);
    t.clock.advance(LOGIN_IP_BUDGET.windowMs);
    expect((await attempt(t, 'cadre', PASSWORD, '10.9.9.9')).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless told a proxy sets it', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    for (let i = 0; i < LOGIN_IP_BUDGET.max; i += 1) await attempt(t, `nobody-${i}`, 'guess-guess', `10.0.${i}.1`);
    // Rotating the header does not buy a fresh budget.
    expect((await attempt(t, 'cadre', PASSWORD, '10.200.0.1')).status).toBe(429);
  });
});

describe('card PINs', () => {
  it('locks the card at the 5th wrong PIN; the 6th attempt gets 423 until a cadre unlocks it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const clerk = await login(t, 'clerk');
    const card = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '2468' } });
    expect(card.status).toBe(201);
    for (let i = 1; i <= MAX_PIN_FAILURES; i += 1) {
      const r = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: card.body.code, pin: '1111' } });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('wrong_pin');
    }
    const sixth = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: card.body.code, pin: '2468' } });
    expect(sixth.status).toBe(423);
    expect(sixth.body.error.code).toBe('card_locked');
    expect((await call(t, 'POST', `/api/cards/${card.body.id}/unlock`, { cookie: cadre })).status).toBe(200);
    const ok = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: card.body.code, pin: '2468' } });
    expect(ok.status).toBe(200);
  });

  it('stops one IP guessing PINs card after card', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const clerk = await login(t, 'clerk');
    const cards: { code: string }[] = [];
    for (let i = 0; i < Math.ceil(PIN_IP_BUDGET.max / (MAX_PIN_FAILURES - 1)) + 1; i += 1) {
      const h = makeHousehold(t.db, w.areas.villageA.id, { headName: '赵六' });
      cards.push((await call(t, 'POST', `/api/households/${h.id}/cards`, { cookie: cadre, body: { pin: '2468' } })).body);
    }
    let wrong = 0;
    // Four wrong PINs per card never lock a card, but the IP's budget runs out.
    for (const c of cards) {
      for (let i = 0; i < MAX_PIN_FAILURES - 1 && wrong < PIN_IP_BUDGET.max; i += 1, wrong += 1) {
        expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: c.code, pin: '0000' } })).status).toBe(422);
      }
    }
    const r = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: cards.at(-1)!.code, pin: '2468' } });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('sessions', () => {
  it.each([
    ['password', { password: 'a-new-password-1' }],
    ['role', { role: 'clerk' }],
    ['active flag', { active: false }],
  ])('changing a user’s %s ends its sessions at once', async (_what, patch) => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const admin = await login(t, 'county');
    const victim = await makeUser(t.db, 'reviewer', w.areas.villageA.id, { username: 'rev-x' });
    const s1 = await login(t, 'rev-x');
    const s2 = await login(t, 'rev-x');
    expect((await call(t, 'GET', '/api/auth/me', { cookie: s1 })).status).toBe(200);
    expect((await call(t, 'PATCH', `/api/users/${victim.id}`, { cookie: admin, body: patch })).status).toBe(200);
    for (const s of [s1, s2]) expect((await call(t, 'GET', '/api/auth/me', { cookie: s })).status).toBe(401);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and Secure only when configured', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const plain = await call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: PASSWORD } });
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    // Over the app's database: on pg-suite the test's SQLite is only the fixture's source.
    t.app = createApp({ db: await t.appDb(), config: { ...testConfig, cookieSecure: true }, now: () => t.clock.now });
    const secure = await call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: PASSWORD } });
    expect(secure.headers.get('set-cookie')).toMatch(/; Secure/);
  });
});

describe('request hygiene', () => {
  it('refuses a cross-origin POST that carries the cookie (403) and accepts a same-origin one', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const body = { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-10' };
    const cross = await call(t, 'POST', 'http://jifen.example/api/awards', { cookie: cadre, body, headers: { origin: 'https://evil.example', host: 'jifen.example' } });
    expect(cross.status).toBe(403);
    expect(cross.body.error.code).toBe('bad_origin');
    const same = await call(t, 'POST', 'http://jifen.example/api/awards', { cookie: cadre, body, headers: { origin: 'http://jifen.example', host: 'jifen.example' } });
    expect(same.status).toBe(201);
  });

  it.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain'])('refuses a %s POST with 415', async (type) => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const r = await call(t, 'POST', '/api/awards', { cookie: cadre, body: `householdId=${w.household.id}&ruleId=${w.rule.id}`, headers: { 'content-type': type } });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('unsupported_media_type');
  });

  it('sends secure headers with a CSP that lets the web app run (own scripts, inline styles, data:/blob: images, camera)', async () => {
    const t = makeTestApp();
    const r = await call(t, 'GET', '/api/health');
    const csp = r.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives['img-src']).toEqual(expect.arrayContaining(["'self'", 'data:', 'blob:']));
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(r.headers.get('permissions-policy')).toMatch(/camera=\(self\)/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(r.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });
});
