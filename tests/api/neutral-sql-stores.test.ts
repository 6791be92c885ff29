import { describe, expect, it } from 'vitest';
import { householdWithVillagePath } from '../../db/areas';
import { listAuditRows } from '../../db/audit/auditLog';
import { householdsOfVillage } from '../../db/excel/roster';
import { householdById, listHouseholdsPage, membersOf } from '../../db/households/households';
import { headingById } from '../../db/rules';
import { findSessionActor } from '../../db/sessions';
import { transaction } from '../../db/transaction';
import { insertUser, listUsersUnder, userById } from '../../db/users/users';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeWorld, writeNow } from '../support/factories';

// The stores moved from drizzle to plain SQL both engines run (docs/POSTGRES.md); these pin what must not have changed.
// Stores run on `await t.appDb()`: the app's database, PostgreSQL on pg-suite.
describe('stores on neutral SQL', () => {
  it('list households with no group or door number first, then shorter door numbers, as SQLite always ordered them', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const v = w.areas.villageA.id;
    const ten = makeHousehold(t.db, v, { headName: '甲', doorNo: '10号' });
    const none = makeHousehold(t.db, v, { headName: '乙', doorNo: null });
    const two = makeHousehold(t.db, v, { headName: '丙', doorNo: '2号' });
    const { items } = await listHouseholdsPage(await t.appDb(), { villageIds: [v], limit: 50, offset: 0 });
    const ids = items.map((h) => h.id);
    expect(ids.indexOf(none.id)).toBeLessThan(ids.indexOf(two.id));
    expect(ids.indexOf(two.id)).toBeLessThan(ids.indexOf(ten.id));
  });

  it('answers flags as booleans, never 0/1, and a household row never carries its pseudonym seed', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const h = await householdById(await t.appDb(), w.household.id);
    expect(h?.redemptionSuspended).toBe(false);
    expect(h && 'pseudonymSeed' in h).toBe(false);
    const scoped = await householdWithVillagePath(await t.appDb(), w.household.id);
    expect(scoped && 'pseudonymSeed' in scoped).toBe(false);
    expect(scoped?.villagePath).toBe(w.areas.villageA.path);
    for (const row of [...(await householdsOfVillage(await t.appDb(), w.areas.villageA.id)), ...(await listHouseholdsPage(await t.appDb(), { villageIds: [w.areas.villageA.id], limit: 9, offset: 0 })).items]) {
      expect('pseudonymSeed' in row).toBe(false);
      expect(typeof row.redemptionSuspended).toBe('boolean');
    }
    expect((await userById(await t.appDb(), w.users.cadre.id))?.active).toBe(true);
    const cookie = await login(t, 'cadre');
    const res = await call(t, 'POST', `/api/households/${w.household.id}/members`, { cookie, body: { name: '王小', relation: 'child', isProxy: true } });
    expect(res.status).toBe(201);
    expect((await membersOf(await t.appDb(), w.household.id)).map((m) => m.isProxy)).toContain(true);
    const heading = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie, body: { name: '减分项目', blackList: true } });
    expect(heading.status).toBe(201);
    expect(await headingById(await t.appDb(), heading.body.id)).toMatchObject({ blackList: true, active: true });
    const session = await findSessionActor(await t.appDb(), (await t.sql.get<{ idHash: string }>('SELECT id_hash AS "idHash" FROM sessions LIMIT 1'))!.idHash);
    expect(session?.active).toBe(true);
  });

  it('gives a new heading the code h<its id> even where ids have skipped numbers (as a PostgreSQL identity does)', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    writeNow(t.db, () => t.db.$client.prepare("UPDATE sqlite_sequence SET seq = seq + 5 WHERE name = 'rule_headings'").run());
    const cookie = await login(t, 'cadre');
    const made = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie, body: { name: '矛盾处置' } });
    expect(made.status).toBe(201);
    expect(made.body.code).toBe(`h${made.body.id}`);
  });

  it('20 headings made at once each get their own id and the code that names it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cookie = await login(t, 'cadre');
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie, body: { name: `类别${i}` } })),
    );
    expect(made.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(made.map((r) => r.body.code)).size).toBe(20);
    for (const r of made) expect(r.body.code).toBe(`h${r.body.id}`);
    const pending = (await t.sql.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM rule_headings WHERE code NOT LIKE 'h%' AND area_id IS NOT NULL`))!;
    expect(pending.n).toBe(0);
  });

  it('a backslash in an account search is a plain character; case does not matter for ASCII', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    await transaction(await t.appDb(), async (tx) => {
      await insertUser(tx, { username: 'ZhangSan', displayName: 'a\\b', passwordHash: 'x', role: 'reviewer', areaId: w.areas.villageA.id, householdId: null, createdAt: 1 });
      await insertUser(tx, { username: 'lisi', displayName: 'ab', passwordHash: 'x', role: 'reviewer', areaId: w.areas.villageA.id, householdId: null, createdAt: 1 });
    });
    const find = async (q: string) => (await listUsersUnder(await t.appDb(), { areaPath: w.areas.county.path, q, limit: 50, offset: 0 })).items.map((u) => u.username).sort();
    expect(await find('a\\b')).toEqual(['ZhangSan']);
    expect(await find('zhangsan')).toEqual(['ZhangSan']);
    expect(await find('ZHANG')).toEqual(['ZhangSan']);
    // `%` and `_` stay wildcards, as they were before the move.
    expect(await find('a_b')).toEqual(['ZhangSan']);
    const all = await listUsersUnder(await t.appDb(), { areaPath: w.areas.county.path, q: '%', limit: 2, offset: 0 });
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThan(2);
  });

  it('a household search matches name and door number whatever the case, and initials only from their start', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const v = w.areas.villageA.id;
    const a = makeHousehold(t.db, v, { headName: '钱五明', nameInitials: 'qwm', doorNo: 'A-12' });
    makeHousehold(t.db, v, { headName: '李四', nameInitials: 'ls', doorNo: 'B-3' });
    const page = async (text: string, initials?: string) => listHouseholdsPage(await t.appDb(), { villageIds: [v], text, initials, limit: 50, offset: 0 });
    expect((await page('a-1')).items.map((h) => h.id)).toEqual([a.id]);
    expect((await page('五明')).items.map((h) => h.id)).toEqual([a.id]);
    expect((await page('qw', 'qw')).items.map((h) => h.id)).toEqual([a.id]);
    expect((await page('wm', 'wm')).items).toEqual([]);
    expect((await page('qw', 'qw')).total).toBe(1);
  });

  it('an audit filter of 0 or an empty string is no filter, and paging keeps the total', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cookie = await login(t, 'cadre');
    for (let i = 0; i < 3; i++) expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie, body: { name: `审计${i}` } })).status).toBe(201);
    const all = await listAuditRows(await t.appDb(), { areaPath: w.areas.county.path, withUnplaced: true, limit: 2, offset: 0 });
    const same = await listAuditRows(await t.appDb(), { areaPath: w.areas.county.path, withUnplaced: true, entity: '', actorId: 0, limit: 2, offset: 0 });
    expect(same).toEqual(all);
    expect(all.items).toHaveLength(2);
    const mine = await listAuditRows(await t.appDb(), { areaPath: w.areas.villageA.path, withUnplaced: false, actorId: w.users.cadre.id, action: 'rule_heading.create', limit: 10, offset: 1 });
    expect(mine.total).toBe(3);
    expect(mine.items).toHaveLength(2);
    expect(mine.items[0]).toMatchObject({ actorName: 'cadre', entity: 'rule_heading' });
    expect(mine.items[0]!.id).toBeGreaterThan(mine.items[1]!.id);
  });
});
