import { describe, expect, it } from 'vitest';
import { withIdChecksum } from '../../server/lib/identity';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';
import { fieldLabels } from '../../server/lib/fieldLabels';

const validId = withIdChecksum('43072119850317001');

describe('households', () => {
  it('registers a household with members and finds it by pinyin initials, name or door number', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const created = await call(t, 'POST', '/api/households', {
      cookie: cadre,
      body: { villageId: w.areas.villageA.id, headName: '曾小乐', doorNo: '东村12号', phone: '13912345678', idNumber: validId, category: 'dibao', members: [{ name: '李秀英', relation: 'spouse' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ headName: '曾小乐', balance: 0, villageId: w.areas.villageA.id, phone: '13912345678' });
    for (const q of ['zxl', '小乐', '12号']) {
      const found = await call(t, 'GET', `/api/households?q=${encodeURIComponent(q)}`, { cookie: cadre });
      expect(found.body.items.map((h: { id: number }) => h.id)).toContain(created.body.id);
    }
    const detail = await call(t, 'GET', `/api/households/${created.body.id}`, { cookie: cadre });
    expect(detail.body.members.map((m: { name: string }) => m.name)).toEqual(['曾小乐', '李秀英']);
    expect(detail.body.categoryHistory[0].category).toBe('dibao');
  });

  it('masks phone and ID numbers for reviewers and clerks but not for cadres or the household itself', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const seen = async (user: string) => (await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: await login(t, user) })).body;
    expect((await seen('cadre')).phone).toBe('13800138000');
    expect((await seen('household')).phone).toBe('13800138000');
    expect((await seen('reviewer')).phone).toBe('138****8000');
    expect((await seen('clerk')).idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
  });

  it('keeps the category history when the category changes', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    await call(t, 'POST', `/api/households/${w.household.id}/category`, { cookie: cadre, body: { category: 'monitored', validFrom: '2026-06-01', reason: '因病返贫风险' } });
    await call(t, 'POST', `/api/households/${w.household.id}/category`, { cookie: cadre, body: { category: 'general', validFrom: '2026-06-10', reason: '风险消除' } });
    const detail = await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre });
    expect(detail.body.category).toBe('general');
    expect(detail.body.categoryHistory.map((c: { category: string }) => c.category)).toEqual(['general', 'monitored']);
  });

  it.each([
    [{ headName: '' }, 'headName'],
    [{ headName: '<script>alert(1)</script>' }, 'headName'],
    [{ headName: "张'; DROP TABLE households;--" }, 'headName'],
    [{ headName: '张三', phone: '1380013800' }, 'phone'],
    [{ headName: '张三', phone: '23800138000' }, 'phone'],
    [{ headName: '张三', idNumber: '430721198503170010' }, 'idNumber'],
    [{ headName: '张三', idNumber: '43072119851317001X' }, 'idNumber'],
    [{ headName: '张三', category: 'rich' }, 'category'],
  ])('rejects %j with a clear 400 naming %s, writing nothing', async (patch, field) => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const before = (await call(t, 'GET', '/api/households', { cookie: cadre })).body.total;
    const res = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, ...patch } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    // The field by its key for programs (details), by its Chinese name for people (message).
    expect(res.body.error.details.map((d: { path: string[] }) => d.path.join('.'))).toContain(field);
    expect(res.body.error.message).toContain(fieldLabels[field]);
    expect((await call(t, 'GET', '/api/households', { cookie: cadre })).body.total).toBe(before);
  });

  it('refuses a second household with the same ID number', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const body = { villageId: w.areas.villageA.id, headName: '王五', idNumber: validId };
    expect((await call(t, 'POST', '/api/households', { cookie: cadre, body })).status).toBe(201);
    const dup = await call(t, 'POST', '/api/households', { cookie: cadre, body });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('id_number_taken');
  });
});

describe('bad input', () => {
  it('answers malformed JSON, wrong types and out-of-range numbers with 400 invalid', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const cases: unknown[] = [
      '{"householdId": 1,',
      { householdId: '1', ruleId: w.rule.id, occurredOn: '2026-06-01' },
      { householdId: w.household.id, ruleId: w.rule.id, quantity: -1, occurredOn: '2026-06-01' },
      { householdId: w.household.id, ruleId: w.rule.id, quantity: 1e12, occurredOn: '2026-06-01' },
      { householdId: w.household.id, ruleId: w.rule.id, quantity: 1.5, occurredOn: '2026-06-01' },
      { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-13-01' },
      [],
      null,
    ];
    for (const body of cases) {
      const res = await call(t, 'POST', '/api/awards', { cookie: cadre, body: body === null ? 'null' : body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid');
      expect(typeof res.body.error.message).toBe('string');
    }
    expect((await call(t, 'GET', '/api/awards', { cookie: cadre })).body.total).toBe(0);
  });

  it('answers unknown and malformed ids with 404 or 400, never 500', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const cadre = await login(t, 'cadre');
    expect((await call(t, 'GET', '/api/households/999999', { cookie: cadre })).status).toBe(404);
    expect((await call(t, 'GET', '/api/households/abc', { cookie: cadre })).status).toBe(400);
    expect((await call(t, 'GET', '/api/households/-1', { cookie: cadre })).status).toBe(400);
    expect((await call(t, 'GET', '/api/households/99999999999999999999', { cookie: cadre })).status).toBe(400);
    expect((await call(t, 'GET', '/api/nowhere', { cookie: cadre })).status).toBe(404);
  });

  it('refuses non-JSON mutations and foreign origins', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const form = await call(t, 'POST', '/api/households', { cookie: cadre, body: 'headName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const foreign = await call(t, 'POST', '/api/households', { cookie: cadre, body: {}, headers: { origin: 'https://evil.example', host: 'localhost' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('bad_origin');
  });
});

describe('sessions', () => {
  it('logs in with a new session id each time and logs out at once', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const a = await login(t, 'cadre');
    const b = await login(t, 'cadre');
    expect(a).not.toBe(b);
    expect((await call(t, 'GET', '/api/auth/me', { cookie: a })).body.user.username).toBe('cadre');
    expect((await call(t, 'POST', '/api/auth/logout', { cookie: a })).status).toBe(204);
    expect((await call(t, 'GET', '/api/auth/me', { cookie: a })).status).toBe(401);
    expect((await call(t, 'GET', '/api/auth/me', { cookie: b })).status).toBe(200);
  });

  it('answers a wrong password with 401 bad_credentials and sets an HttpOnly SameSite=Lax cookie on success', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const bad = await call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: 'nope-nope' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('bad_credentials');
    const ok = await call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: 'password-123' } });
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(ok.headers.get('set-cookie')).toMatch(/SameSite=Lax/);
    expect(ok.body.user).toMatchObject({ username: 'cadre', role: 'village_cadre' });
  });

  it('ends a user’s sessions when its role or password changes', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    const clerk = await login(t, 'clerk');
    await call(t, 'PATCH', `/api/users/${w.users.clerk.id}`, { cookie: county, body: { password: 'a-new-password' } });
    expect((await call(t, 'GET', '/api/auth/me', { cookie: clerk })).status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents the API from the same zod schemas that validate it', async () => {
    const t = makeTestApp();
    const res = await call(t, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const op = res.body.paths['/api/awards'].post;
    const schema = op.requestBody.content['application/json'].schema;
    expect(JSON.stringify(schema)).toContain('occurredOn');
  });
});
