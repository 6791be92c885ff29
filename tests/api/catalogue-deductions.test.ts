import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

const file = (lines: string[]) => ({ filename: '细则.csv', contentBase64: iconv.encode(lines.join('\r\n'), 'gbk').toString('base64') });
const sheet = file(['类别,项目,分值,单位,上限,需佐证,备注', '公益建设,义务修路,5,次,,否,', '减分项目,乱堆柴草,-5,次,,否,', '减分项目,高额彩礼,-10,次,,否,']);

describe('catalogue import: new deduction headings', () => {
  it('makes the new headings the cadre marks as deduction headings, and their negative items count for the black list', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const v = w.areas.villageA.id;
    const done = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: v, file: sheet, createHeadings: true, deductionHeadings: ['减分项目'] } });
    expect(done.status).toBe(200);
    const headings = (await call(t, 'GET', `/api/areas/${v}/headings`, { cookie: cadre })).body.items as { name: string; blackList: boolean }[];
    expect(headings.find((h) => h.name === '减分项目')?.blackList).toBe(true);
    expect(headings.find((h) => h.name === '公益建设')?.blackList).toBe(false);
    const rules = (await call(t, 'GET', `/api/rules?areaId=${v}`, { cookie: cadre })).body.items as { name: string; blackList: boolean }[];
    expect(rules.filter((r) => r.blackList && r.name !== '乱倒垃圾').map((r) => r.name).sort()).toEqual(['乱堆柴草', '高额彩礼'].sort());
    expect(rules.find((r) => r.name === '义务修路')?.blackList).toBe(false);
  });

  it('without the mark the heading is an ordinary one (as before)', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const v = w.areas.villageA.id;
    expect((await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: v, file: sheet, createHeadings: true } })).status).toBe(200);
    const rules = (await call(t, 'GET', `/api/rules?areaId=${v}`, { cookie: cadre })).body.items as { name: string; blackList: boolean }[];
    expect(rules.filter((r) => r.blackList && ['乱堆柴草', '高额彩礼'].includes(r.name))).toEqual([]);
  });

  it('refuses, writing nothing, a deduction mark on a heading the import does not make', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const v = w.areas.villageA.id;
    const count = async () => (await t.sql.get<{ n: number }>('SELECT count(*) AS "n" FROM rule_headings WHERE area_id = ?', [v]))!.n;
    for (const marked of [['环境卫生'], ['不存在的类别'], ['减分项目', '公益劳动']]) {
      const res = await call(t, 'POST', '/api/imports/catalogue', { cookie: cadre, body: { areaId: v, file: sheet, createHeadings: true, deductionHeadings: marked } });
      expect(res.status).toBe(400);
      expect(await count()).toBe(0);
    }
  });
});
