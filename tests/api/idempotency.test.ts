import { describe, expect, it } from 'vitest';
import { call, login, makeWorld } from '../support/factories';
import { makeTestApp, type TestApp } from '../support/app';

// The app's database (t.sql), on either engine.
const countNamed = async (t: TestApp, headName: string) =>
  (await t.sql.get<{ n: number }>('SELECT COUNT(*) AS "n" FROM households WHERE head_name = ?', [headName]))!.n;

async function setUp() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const form = { villageId: w.areas.villageA.id, headName: '双击户', doorNo: '东村8号' };
  const create = (key: string, body: unknown = form, cookie = cadre) => call(t, 'POST', '/api/households', { cookie, body, headers: { 'idempotency-key': key } });
  return { t, w, cadre, form, create };
}

describe('Idempotency-Key on creating requests', () => {
  it('a double submit of the same form creates one household and answers both with it', async () => {
    const { t, create } = await setUp();
    const first = await create('form-open-0001');
    const second = await create('form-open-0001');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await countNamed(t, '双击户')).toBe(1);
  });

  it('the same key with a different body is refused with 422 idempotency_mismatch and creates nothing', async () => {
    const { t, form, create } = await setUp();
    expect((await create('form-open-0002')).status).toBe(201);
    const other = await create('form-open-0002', { ...form, headName: '另一户' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_mismatch');
    expect(await countNamed(t, '另一户')).toBe(0);
  });

  it('the same key on another route is a mismatch, not a replay of the household', async () => {
    const { t, w, cadre, create } = await setUp();
    expect((await create('form-open-0003')).status).toBe(201);
    const award = await call(t, 'POST', '/api/awards', {
      cookie: cadre,
      body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' },
      headers: { 'idempotency-key': 'form-open-0003' },
    });
    expect(award.status).toBe(422);
    expect(award.body.error.code).toBe('idempotency_mismatch');
  });

  it('twenty parallel duplicates create one household; every answer is the first one or 409 in progress', async () => {
    const { t, create } = await setUp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => create('form-open-0004')));
    expect(await countNamed(t, '双击户')).toBe(1);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);
    for (const a of created) expect(a.body).toEqual(created[0].body);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(a.body.error.code).toBe('idempotency_in_progress');
    }
    // Whoever was told to wait gets the first answer when it tries again.
    const again = await create('form-open-0004');
    expect(again.body).toEqual(created[0].body);
  });

  it("another user's same key is independent", async () => {
    const { t, create } = await setUp();
    const cadre2 = await login(t, 'cadre2');
    const mine = await create('shared-key-0005');
    const theirs = await create('shared-key-0005', undefined, cadre2);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await countNamed(t, '双击户')).toBe(2);
  });

  it('a refused request gives the key back, so the corrected form goes through with the same key', async () => {
    const { t, form, create } = await setUp();
    const bad = await create('form-open-0006', { ...form, headName: '' });
    expect(bad.status).toBe(400);
    const fixed = await create('form-open-0006');
    expect(fixed.status).toBe(201);
    expect(await countNamed(t, '双击户')).toBe(1);
  });

  it('a key expires after 24 hours', async () => {
    const { t, create } = await setUp();
    expect((await create('form-open-0007')).status).toBe(201);
    t.clock.advance(25 * 3600_000);
    const later = await create('form-open-0007');
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(await countNamed(t, '双击户')).toBe(2);
  });

  it('refuses a malformed key', async () => {
    const { create } = await setUp();
    const res = await create('no');
    expect(res.status).toBe(400);
  });

  it('a request without the header is served as before', async () => {
    const { t, cadre, form } = await setUp();
    expect((await call(t, 'POST', '/api/households', { cookie: cadre, body: form })).status).toBe(201);
    expect((await call(t, 'POST', '/api/households', { cookie: cadre, body: form })).status).toBe(201);
    expect(await countNamed(t, '双击户')).toBe(2);
  });
});
