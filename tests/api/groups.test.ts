import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';
import { HEADER, xlsxFile } from '../excel/sheets';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const county = await login(t, 'county');
  return { t, w, cadre, county };
}

// Reads through t.sql: the database the app runs over, on either engine.
const auditOf = (t: ReturnType<typeof makeTestApp>, action: string) =>
  t.sql.all<{ id: string; after: string }>('SELECT entity_id AS "id", "after" FROM audit_log WHERE action = ? ORDER BY id', [action]);

describe('村民小组 kept by the village', () => {
  it('lets a cadre add and rename groups of its own village, audited, listed under the village', async () => {
    const { t, w, cadre } = await setup();
    const made = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: cadre, body: { name: '一组' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ name: '一组', kind: 'group', parentId: w.areas.villageA.id });
    const renamed = await call(t, 'PATCH', `/api/groups/${made.body.id}`, { cookie: cadre, body: { name: '第一村民小组' } });
    expect(renamed.status).toBe(200);
    const areas = await call(t, 'GET', '/api/areas', { cookie: cadre });
    expect(areas.body.items.filter((a: { kind: string }) => a.kind === 'group').map((a: { name: string }) => a.name)).toEqual(['第一村民小组']);
    expect((await auditOf(t, 'area.create')).map((r) => Number(r.id))).toContain(made.body.id);
    expect(await auditOf(t, 'area.rename')).toHaveLength(1);
    // A household can now be registered in it.
    const h = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '王五', groupId: made.body.id } });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
  });

  it("refuses a cadre another village's groups (404) and a second group of the same name (409)", async () => {
    const { t, w, cadre, county } = await setup();
    expect((await call(t, 'POST', `/api/areas/${w.areas.villageB.id}/groups`, { cookie: cadre, body: { name: '一组' } })).status).toBe(404);
    const other = await call(t, 'POST', `/api/areas/${w.areas.villageB.id}/groups`, { cookie: county, body: { name: '一组' } });
    expect(other.status).toBe(201);
    expect((await call(t, 'PATCH', `/api/groups/${other.body.id}`, { cookie: cadre, body: { name: '二组' } })).status).toBe(404);
    // Not a village, not a group: the township itself cannot get groups, nor be renamed here.
    expect((await call(t, 'POST', `/api/areas/${w.areas.townA.id}/groups`, { cookie: county, body: { name: '一组' } })).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/groups/${w.areas.villageA.id}`, { cookie: county, body: { name: '改名村' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: cadre, body: { name: '一组' } })).status).toBe(201);
    const dup = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: cadre, body: { name: '一组' } });
    expect(dup.status).toBe(409);
    expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: cadre, body: { name: '' } })).status).toBe(400);
    expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: cadre, body: { name: '组'.repeat(31) } })).status).toBe(400);
  });

  it('twenty parallel requests for one new group name make it once', async () => {
    const { t, w, cadre } = await setup();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: cadre, body: { name: '三组' } })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
  });

  it('refuses clerks, reviewers and households (403)', async () => {
    const { t, w } = await setup();
    for (const u of ['clerk', 'reviewer', 'household']) {
      expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/groups`, { cookie: await login(t, u), body: { name: '一组' } })).status).toBe(403);
    }
  });
});

describe('a roster import into a village without groups', () => {
  const rows = [HEADER, ['张三', '1号', '一组', '', '', '', ''], ['李四', '2号', '二组', '', '', '', ''], ['王五', '3号', '一组', '', '', '', '']];

  it('shows the groups it would make in the preview, refuses to make them unconfirmed, and makes them once when confirmed', async () => {
    const { t, w, cadre } = await setup();
    const file = await xlsxFile(rows);
    const preview = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(preview.status).toBe(200);
    expect(preview.body.newGroups).toEqual(['一组', '二组']);
    expect(preview.body.counts).toMatchObject({ create: 3, error: 0 });
    const unconfirmed = await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.body.error.details.newGroups).toEqual(['一组', '二组']);
    expect(await t.sql.get(`SELECT count(*) AS "n" FROM areas WHERE kind = 'group'`)).toEqual({ n: 0 });
    const done = await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file, createGroups: true } });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body.newGroups).toEqual(['一组', '二组']);
    const groups = await t.sql.all<{ id: number; name: string }>(`SELECT id, name FROM areas WHERE kind = 'group' AND parent_id = ? ORDER BY id`, [w.areas.villageA.id]);
    expect(groups.map((g) => g.name)).toEqual(['一组', '二组']);
    const byHead = await t.sql.all('SELECT head_name AS "headName", group_id AS "groupId" FROM households WHERE village_id = ? AND head_name IN (?, ?, ?) ORDER BY id', [w.areas.villageA.id, '张三', '李四', '王五']);
    expect(byHead).toEqual([
      { headName: '张三', groupId: groups[0].id },
      { headName: '李四', groupId: groups[1].id },
      { headName: '王五', groupId: groups[0].id },
    ]);
    // The same file again: the groups exist now, nothing new to make.
    const again = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(again.body.newGroups).toEqual([]);
  });

  it('imports the shipped 40-household demo roster into a village created in the console', async () => {
    const { t, w, county } = await setup();
    const village = await call(t, 'POST', '/api/areas', { cookie: county, body: { name: '新建村', kind: 'village', parentId: w.areas.townA.id } });
    expect(village.status).toBe(201);
    const file = { filename: 'roster-demo.xlsx', contentBase64: readFileSync(new URL('../../seeds/roster-demo.xlsx', import.meta.url)).toString('base64') };
    // The county made the village and holds it until a cadre is appointed.
    const admin = county;
    const preview = await call(t, 'POST', '/api/imports/households/preview', { cookie: admin, body: { villageId: village.body.id, file } });
    expect(preview.status).toBe(200);
    expect(preview.body.counts.error, JSON.stringify(preview.body.rows.filter((r: { errors: unknown[] }) => r.errors.length).slice(0, 3))).toBe(0);
    expect(preview.body.newGroups.length).toBeGreaterThan(0);
    const done = await call(t, 'POST', '/api/imports/households', { cookie: admin, body: { villageId: village.body.id, file, createGroups: true } });
    expect(done.status, JSON.stringify(done.body).slice(0, 300)).toBe(201);
    expect(done.body.created).toHaveLength(40);
  });
});
