import { eq } from 'drizzle-orm';
import { areas } from '../../db/schema';
import type { TestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';

/**
 * East village (东村) in June 2026, hand-checked:
 *   李四 (ls)   好媳妇 +10, 庭院整洁 ×2 +10        earned 20, score 20
 *   张三明 (zsm) 庭院整洁 ×4 +20                    earned 20, score 20
 *   王五 (ww)   庭院整洁 ×3 +15, 乱倒垃圾 -5 (黑榜)  earned 15, score 10
 *   赵六 (zl)   乱倒垃圾 -5 (黑榜)                  earned 0,  score -5
 *   陈七 (cq)   nothing
 * South village (南村): 孙八 +10, 周九 nothing.
 */
export async function makeBoardWorld(t: TestApp) {
  const w = await makeWorld(t);
  const v = w.areas.villageA.id;
  const zsm = w.household;
  const ls = makeHousehold(t.db, v, { headName: '李四' });
  const ww = makeHousehold(t.db, v, { headName: '王五' });
  const zl = makeHousehold(t.db, v, { headName: '赵六' });
  const cq = makeHousehold(t.db, v, { headName: '陈七' });
  const sb = makeHousehold(t.db, w.areas.villageA2.id, { headName: '孙八' });
  makeHousehold(t.db, w.areas.villageA2.id, { headName: '周九' });
  const virtue = makeRule(t.db, w.areas.county.id, { name: '好媳妇', points: 10, category: 'family_virtue' });
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const county = await login(t, 'county');
  const township = await login(t, 'township');
  const post = async (householdId: number, ruleId: number, quantity = 1, occurredOn = '2026-06-10', by = cadre, approver = reviewer) => {
    const p = await call(t, 'POST', '/api/awards', { cookie: by, body: { householdId, ruleId, quantity, occurredOn } });
    if (p.status !== 201) throw new Error(`propose: ${p.status} ${JSON.stringify(p.body)}`);
    const a = await call(t, 'POST', `/api/awards/${p.body.id}/approve`, { cookie: approver });
    if (a.status !== 200) throw new Error(`approve: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body as { id: number; ledgerEntryId: number | null };
  };
  await post(ls.id, virtue.id);
  await post(ls.id, w.rule.id, 2);
  await post(zsm.id, w.rule.id, 4);
  await post(ww.id, w.rule.id, 3);
  const wwDeduction = await post(ww.id, w.deduction.id, 1, '2026-06-12');
  const zlDeduction = await post(zl.id, w.deduction.id, 1, '2026-06-05');
  await post(sb.id, virtue.id, 1, '2026-06-03', county, township);
  const setThresholds = (list: number[]) => t.db.update(areas).set({ starThresholds: JSON.stringify(list) }).where(eq(areas.id, v)).run();
  return { w, v, hh: { zsm, ls, ww, zl, cq, sb }, virtue, cadre, reviewer, county, post, wwDeduction, zlDeduction, setThresholds };
}
