import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { postLedgerEntry } from '../../db/ledger';
import type { SqlParam } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { memoryCheckpointKey } from '../../server/lib/checkpointKey';
import { systemCtx } from '../../server/lib/context';
import { boardPoster } from '../../server/modules/boards/print/posterOf';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

let t: TestApp;

// Reads where the app writes (`t.sql`: PostgreSQL in the pg-suite lane).
const q = <T>(app: TestApp, sql: string, ...args: SqlParam[]) => app.sql.all<T>(sql, args);

async function setup() {
  t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const county = await login(t, 'county');
  return { w, cadre, county };
}

describe('catalogue headings of an area', () => {
  it('every area inherits the seven template headings; a village adds its own, seen below it only', async () => {
    const { w, cadre } = await setup();
    const before = await call(t, 'GET', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre });
    expect(before.status).toBe(200);
    expect(before.body.items.map((h: { name: string }) => h.name)).toEqual(['公益劳动', '环境卫生', '孝老爱亲', '移风易俗', '遵纪守法', '勤劳致富', '教育']);
    expect(before.body.items.every((h: { inherited: boolean; areaId: number | null }) => h.inherited && h.areaId === null)).toBe(true);

    const made = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: { name: '矛盾处置', starDimension: '和谐邻里星' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: '矛盾处置', areaId: w.areas.villageA.id, inherited: false, starDimension: '和谐邻里星' });
    expect(made.body.code).toMatch(/^h\d+$/);

    const own = await call(t, 'GET', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre });
    expect(own.body.items.at(-1)).toMatchObject({ name: '矛盾处置', inherited: false });
    const county = await login(t, 'county');
    const neighbour = await call(t, 'GET', `/api/areas/${w.areas.villageA2.id}/headings`, { cookie: county });
    expect(neighbour.body.items.map((h: { name: string }) => h.name)).not.toContain('矛盾处置');

    const audit = await q<{ action: string }>(t, "SELECT action FROM audit_log WHERE action LIKE 'rule_heading.%'");
    expect(audit.map((a) => a.action)).toEqual(['rule_heading.create']);
  });

  it('a county heading is inherited by its villages and a same-named one is refused', async () => {
    const { w, cadre, county } = await setup();
    const made = await call(t, 'POST', `/api/areas/${w.areas.county.id}/headings`, { cookie: county, body: { name: '评选表彰' } });
    expect(made.status).toBe(201);
    const seen = await call(t, 'GET', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre });
    expect(seen.body.items.find((h: { name: string }) => h.name === '评选表彰')).toMatchObject({ inherited: true, areaId: w.areas.county.id });
    const again = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: { name: '评选表彰' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_heading');
    const template = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: { name: '环境卫生' } });
    expect(template.status).toBe(409);
  });

  it('POST /api/rules takes the heading as written, by code or by id; an unknown one is a 400 that writes nothing', async () => {
    const { w, cadre } = await setup();
    const v = w.areas.villageA.id;
    const byName = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: v, category: '公益劳动', name: '义务打扫', points: 3 } });
    expect(byName.status).toBe(201);
    expect(byName.body).toMatchObject({ category: 'public_welfare', categoryName: '公益劳动' });
    const byCode = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: v, category: 'hygiene', name: '门前三包', points: 2 } });
    expect(byCode.body).toMatchObject({ category: 'hygiene', categoryName: '环境卫生' });
    const heading = await call(t, 'POST', `/api/areas/${v}/headings`, { cookie: cadre, body: { name: '移风易俗2' } });
    const byId = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: v, category: heading.body.id, name: '红白事简办', points: 4 } });
    expect(byId.status).toBe(201);
    expect(byId.body).toMatchObject({ category: heading.body.code, categoryName: '移风易俗2' });

    const rules = (await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rules'))[0].n;
    const unknown = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: v, category: '不存在的类别', name: '某项', points: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_heading');
    expect((await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rules'))[0].n).toBe(rules);

    // A village's own heading cannot label a county rule (not in force there).
    const county = await login(t, 'county');
    const upstream = await call(t, 'POST', '/api/rules', { cookie: county, body: { areaId: w.areas.county.id, category: heading.body.id, name: '县级项', points: 1 } });
    expect(upstream.status).toBe(400);
  });

  it('PATCH /api/rules/:id moves a rule under a heading by name: a new version; renaming the heading keeps the stored code', async () => {
    const { w, cadre } = await setup();
    const v = w.areas.villageA.id;
    const heading = await call(t, 'POST', `/api/areas/${v}/headings`, { cookie: cadre, body: { name: '美丽家园' } });
    const rule = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: v, category: '环境卫生', name: '庭院美化', points: 2 } });
    const moved = await call(t, 'PATCH', `/api/rules/${rule.body.id}`, { cookie: cadre, body: { category: '美丽家园' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ version: 2, category: heading.body.code, categoryName: '美丽家园' });
    const renamed = await call(t, 'PATCH', `/api/headings/${heading.body.id}`, { cookie: cadre, body: { name: '美丽家园建设', blackList: false, sortOrder: 5 } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ code: heading.body.code, name: '美丽家园建设' });
    const listed = await call(t, 'GET', `/api/rules?areaId=${v}`, { cookie: cadre });
    expect(listed.body.items.find((r: { id: number }) => r.id === rule.body.id)).toMatchObject({ category: heading.body.code, categoryName: '美丽家园建设' });
  });

  it('another village, the template and a household cannot edit headings: 404/403, nothing written', async () => {
    const { w, cadre, county } = await setup();
    const own = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: { name: '本村类别' } });
    const other = await login(t, 'othercadre');
    expect((await call(t, 'PATCH', `/api/headings/${own.body.id}`, { cookie: other, body: { name: '抢改' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: other, body: { name: '越界' } })).status).toBe(404);
    expect((await call(t, 'GET', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: other })).status).toBe(404);
    const template = (await q<{ id: number }>(t, "SELECT id FROM rule_headings WHERE code = 'hygiene'"))[0];
    expect((await call(t, 'PATCH', `/api/headings/${template.id}`, { cookie: county, body: { name: '卫生' } })).status).toBe(404);
    const countyHeading = await call(t, 'POST', `/api/areas/${w.areas.county.id}/headings`, { cookie: county, body: { name: '县类别' } });
    expect((await call(t, 'PATCH', `/api/headings/${countyHeading.body.id}`, { cookie: cadre, body: { name: '村改县' } })).status).toBe(404);
    const household = await login(t, 'household');
    expect((await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: household, body: { name: '户' } })).status).toBe(403);
    expect((await q<{ name: string }>(t, 'SELECT name FROM rule_headings WHERE area_id IS NOT NULL')).map((r) => r.name).sort()).toEqual(['县类别', '本村类别']);
  });

  it('a lone surrogate or markup in a heading name is a 400', async () => {
    const { w, cadre } = await setup();
    const lone = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: '{"name":"坏\\ud800名"}' });
    expect(lone.status).toBe(400);
    const markup = await call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: { name: '<b>x</b>' } });
    expect(markup.status).toBe(400);
    expect((await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rule_headings WHERE area_id IS NOT NULL'))[0].n).toBe(0);
  });

  it('twenty parallel creations of one name make one heading', async () => {
    const { w, cadre } = await setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', `/api/areas/${w.areas.villageA.id}/headings`, { cookie: cadre, body: { name: '并发类别' } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
  });
});

describe('boards, stars, posters and exports name the area’s headings', () => {
  async function withEntries() {
    const s = await setup();
    const v = s.w.areas.villageA.id;
    const heading = await call(t, 'POST', `/api/areas/${v}/headings`, { cookie: s.cadre, body: { name: '矛盾调解', starDimension: '和谐邻里星' } });
    const rule = await call(t, 'POST', '/api/rules', { cookie: s.cadre, body: { areaId: v, category: '矛盾调解', name: '调解邻里纠纷', points: 10 } });
    await transaction(await t.appDb(), (tx) =>
      postLedgerEntry(tx, { householdId: s.w.household.id, villageId: v, kind: 'award', points: 20, conductPoints: 20, occurredOn: '2026-06-01', ruleId: rule.body.id, category: heading.body.code, createdAt: Date.UTC(2026, 5, 1) }),
    );
    return { ...s, v, heading: heading.body as { id: number; code: string } };
  }

  it('a village heading with a star dimension earns that star', async () => {
    const { v, cadre, heading } = await withEntries();
    const res = await call(t, 'GET', `/api/boards/preview/stars/${v}?period=2026&method=dimensions&dimensionThreshold=10`, { cookie: cadre });
    expect(res.status).toBe(200);
    const board = res.body.board ?? res.body;
    expect(board.dimensions).toContainEqual({ label: '和谐邻里星', category: heading.code });
    expect(board.items[0]).toMatchObject({ stars: 1, dimensions: ['和谐邻里星'] });
  });

  it('the red list and the category leaderboard take the heading code; posters print its name', async () => {
    const { v, cadre, heading } = await withEntries();
    const red = await call(t, 'GET', `/api/boards/preview/red/${v}?period=2026-06&categories=${heading.code}`, { cookie: cadre });
    expect(red.status).toBe(200);
    expect(JSON.stringify(red.body)).toContain('调解邻里纠纷');
    const poster = await boardPoster(systemCtx(await t.appDb(), { ...testConfig, checkpointKey: memoryCheckpointKey(t.db) }), red.body.board ?? red.body, null, 'https://example.test/');
    expect(String(poster)).toContain('好人好事（矛盾调解）');
    const rank = await t.app.request(`/print/areas/${v}/leaderboard?period=2026-06&category=${heading.code}`);
    expect(await rank.text()).toContain('矛盾调解排行榜');
  });

  it('the ledger export names the heading, and a renamed heading shows its new name without touching the ledger', async () => {
    const { v, cadre, heading } = await withEntries();
    const hashes = await q<{ hash: string }>(t, 'SELECT hash FROM ledger_entries ORDER BY id');
    await call(t, 'PATCH', `/api/headings/${heading.id}`, { cookie: cadre, body: { name: '矛盾纠纷调解' } });
    const res = await t.app.request(`/api/exports/ledger.xlsx?areaId=${v}&period=2026`, { headers: { cookie: cadre } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const values = wb.worksheets[0].getSheetValues().flat().map(String);
    expect(values).toContain('矛盾纠纷调解');
    expect((await q<{ hash: string }>(t, 'SELECT hash FROM ledger_entries ORDER BY id'))).toEqual(hashes);
    expect((await q<{ category: string }>(t, 'SELECT category FROM ledger_entries'))[0].category).toBe(heading.code);
  });
});

describe('catalogue import and export', () => {
  const file = (text: string, name = '细则.csv', encoding: 'utf8' | 'gbk' = 'utf8') => ({
    filename: name,
    contentBase64: (encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8')).toString('base64'),
  });
  const csv = ['类别,项目,分值,单位,上限,需佐证,备注', '矛盾处置,调解邻里纠纷,5,次,20,是,村调解委员会确认', '公益劳动,义务打扫,3,次,,否,', '环境卫生,庭院整洁,6,次,,否,从 5 分调到 6 分'].join('\n');

  it('previews a new heading and an edited item, refuses to create the heading unconfirmed, then imports: the edit is a new version', async () => {
    const { w, cadre } = await setup();
    const v = w.areas.villageA.id;
    const own = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: v, category: '环境卫生', name: '庭院整洁', points: 5 } });
    const preview = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: v, file: file(csv) } });
    expect(preview.status).toBe(200);
    expect(preview.body.newHeadings).toEqual(['矛盾处置']);
    expect(preview.body.counts).toMatchObject({ total: 3, create: 2, update: 1, error: 0 });
    expect(preview.body.rows[2]).toMatchObject({ action: 'update', ruleId: own.body.id, points: 6, note: '从 5 分调到 6 分' });
    expect((await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rule_headings WHERE area_id IS NOT NULL'))[0].n).toBe(0);

    const unconfirmed = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: v, file: file(csv) } });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.body.error.details.newHeadings).toEqual(['矛盾处置']);
    expect((await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rules WHERE area_id = ?', v))[0].n).toBe(1);

    const done = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: v, file: file(csv), createHeadings: true } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ create: 2, update: 1, newHeadings: ['矛盾处置'], updated: [own.body.id] });
    const edited = (await q<{ version: number; points: number; note: string }>(t, 'SELECT version, points, note FROM rules WHERE id = ?', own.body.id))[0];
    expect(edited).toEqual({ version: 2, points: 6, note: '从 5 分调到 6 分' });
    expect((await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rule_versions WHERE rule_id = ?', own.body.id))[0].n).toBe(2);
    const rules = await call(t, 'GET', `/api/rules?areaId=${v}`, { cookie: cadre });
    expect(rules.body.items.find((r: { name: string }) => r.name === '调解邻里纠纷')).toMatchObject({ categoryName: '矛盾处置', evidenceRequired: true, monthlyCap: 20 });
    expect((await q<{ action: string }>(t, "SELECT action FROM audit_log WHERE action = 'rule.import'"))).toHaveLength(1);

    const again = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: v, file: file(csv) } });
    expect(again.body.counts).toMatchObject({ create: 0, update: 0, unchanged: 3 });
  });

  it('reads a GBK csv as written', async () => {
    const { w, cadre } = await setup();
    const res = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: w.areas.villageA.id, file: file(csv, '细则.csv', 'gbk') } });
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { name: string }) => r.name)).toEqual(['调解邻里纠纷', '义务打扫', '庭院整洁']);
    expect(res.body.newHeadings).toEqual(['矛盾处置']);
  });

  it('marks bad rows and imports nothing when any row is wrong', async () => {
    const { w, cadre } = await setup();
    const bad = ['类别,项目,分值,单位,上限,需佐证,备注', '公益劳动,义务打扫,0,次,,否,', '公益劳动,<script>,3,次,,否,', '公益劳动,植树,3,次,9999,也许,', '公益劳动,植树,3,次,,否,'].join('\n');
    const preview = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: w.areas.villageA.id, file: file(bad) } });
    expect(preview.body.rows.map((r: { action: string }) => r.action)).toEqual(['error', 'error', 'error', 'error']);
    expect(preview.body.rows[2].errors.map((e: { field: string }) => e.field)).toEqual(['上限', '需佐证']);
    const res = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: w.areas.villageA.id, file: file(bad), createHeadings: true } });
    expect(res.status).toBe(422);
    expect((await q<{ n: number }>(t, 'SELECT count(*) AS n FROM rules WHERE area_id = ?', w.areas.villageA.id))[0].n).toBe(0);
  });

  it('another village’s catalogue is out of reach: 404 on preview, import and export', async () => {
    const { w, cadre } = await setup();
    const b = w.areas.villageB.id;
    expect((await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: b, file: file(csv) } })).status).toBe(404);
    expect((await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: b, file: file(csv), createHeadings: true } })).status).toBe(404);
    expect((await t.app.request(`/api/exports/catalogue.xlsx?areaId=${b}`, { headers: { cookie: cadre } })).status).toBe(404);
  });

  it('exports the catalogue in force in the import shape, and the export imports back unchanged', async () => {
    const { w, cadre } = await setup();
    const v = w.areas.villageA.id;
    // 庭院整洁 is the county's: changing it from the village is refused; the other rows import.
    const refused = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: v, file: file(csv) } });
    expect(refused.body.rows[2]).toMatchObject({ action: 'error', errors: [{ field: '项目' }] });
    const imported = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: v, file: file(csv.split('\n').slice(0, 3).join('\n')), createHeadings: true } });
    expect(imported.status).toBe(200);
    const res = await t.app.request(`/api/exports/catalogue.xlsx?areaId=${v}`, { headers: { cookie: cadre } });
    expect(res.status).toBe(200);
    const raw = await res.arrayBuffer();
    const bytes = Buffer.from(raw);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(raw);
    const rows = wb.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map((c) => (c === undefined ? '' : String(c))));
    expect(rows[1]).toEqual(['类别', '项目', '分值', '单位', '上限', '需佐证', '备注']);
    expect(rows).toContainEqual(['矛盾处置', '调解邻里纠纷', '5', '次', '20', '是', '村调解委员会确认']);
    // The county's inherited rules are listed too (makeWorld's 庭院整洁 and 乱倒垃圾).
    expect(rows.map((r) => r[1])).toContain('乱倒垃圾');
    const back = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body: { areaId: v, file: { filename: '积分细则.xlsx', contentBase64: bytes.toString('base64') } } });
    expect(back.status).toBe(200);
    expect(back.body.counts).toMatchObject({ create: 0, update: 0, error: 0 });
  });
});

describe('the shipped catalogue template', () => {
  it('seeds/catalogue-demo.xlsx imports into a village with its five headings', async () => {
    const { w, cadre } = await setup();
    const bytes = readFileSync(new URL('../../seeds/catalogue-demo.xlsx', import.meta.url));
    const body = { areaId: w.areas.villageA.id, file: { filename: 'catalogue-demo.xlsx', contentBase64: bytes.toString('base64') }, createHeadings: true };
    const preview = await call(t, 'POST', '/api/imports/catalogue/preview', { cookie: cadre, body });
    expect(preview.body.counts).toMatchObject({ total: 13, create: 13, error: 0 });
    expect(preview.body.newHeadings).toEqual(['思想文化建设', '文明乡村建设', '美丽家园建设', '村民自强自立', '减分项目']);
    const done = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body });
    expect(done.status).toBe(200);
    expect(done.body.created).toHaveLength(13);
  });
});
