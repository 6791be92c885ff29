import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld, PASSWORD } from '../support/factories';

describe('input as people type it (API)', () => {
  it('registers a household from a full-width phone with dashes and stores it as 11 digits', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const res = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '王五', doorNo: '８号', phone: '１３９－１２３４ ５６７８' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const got = await call(t, 'GET', `/api/households/${res.body.id}`, { cookie: cadre });
    expect(got.body.phone).toBe('13912345678');
  });

  it('finds a household by full-width search text', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '赵六', doorNo: 'A12' } });
    const res = await call(t, 'GET', `/api/households?q=${encodeURIComponent('Ａ１２')}`, { cookie: cadre });
    expect(res.status).toBe(200);
    expect(res.body.items.map((h: { headName: string }) => h.headName)).toContain('赵六');
  });

  it('names a refused field in Chinese, not by its key', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const res = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '', phone: '123' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('户主姓名');
    expect(res.body.error.message).toContain('手机号');
    expect(res.body.error.message).not.toMatch(/headName|phone/);
  });

  it('matches a username whatever its case or width at login, and refuses a second account differing only in case', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const upper = await call(t, 'POST', '/api/auth/login', { body: { username: 'ＣＡＤＲＥ', password: PASSWORD } });
    expect(upper.status, JSON.stringify(upper.body)).toBe(200);
    expect(upper.body.user.username).toBe('cadre');
    const wrong = await call(t, 'POST', '/api/auth/login', { body: { username: 'CADRE', password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    const county = await login(t, 'county');
    const w2 = await call(t, 'GET', '/api/auth/me', { cookie: county });
    const dup = await call(t, 'POST', '/api/users', { cookie: county, body: { username: 'Cadre', password: 'long-enough-1', role: 'village_cadre', areaId: w2.body.user.areaId } });
    expect(dup.status, JSON.stringify(dup.body)).toBeGreaterThanOrEqual(400);
  });

  it('prints a red board without ?period as a Chinese page for this month, not a JSON error', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const res = await t.app.request(`/print/areas/${w.areas.villageA.id}/red`);
    expect(res.headers.get('content-type')).toContain('text/html');
    const body = await res.text();
    expect(body).toMatch(/\p{Script=Han}/u);
    expect(body).toContain('2026年6月');
    expect(body).not.toContain('"error"');
  });
});
