import { readDb } from '../../../db/client';
import { addHeading, addRule, lockHeadingNames, reviseRule, ruleById } from '../../../db/rules';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { ancestry } from './headings';
import { Invalid } from '../../lib/errors';
import { basisKey, catalogueErrors, checkCatalogue, loadCatalogueBasis, newHeadingsOf, readCatalogue, summarise, unconfirmedHeadings } from './checkCatalogueRows';
import type { CatalogueImportBody } from './schemas';

/**
 * Imports a previewed catalogue, all or nothing. New items become rules of the area; an item the area
 * already has (same name) and that differs is edited as its next version, so awards already made keep
 * theirs. Rows are checked on the read connection, then again inside the write transaction if the
 * area's headings or rules changed meanwhile.
 */
export async function importCatalogue(ctx: Ctx, body: CatalogueImportBody) {
  const deductions = body.deductionHeadings ?? [];
  const { area, sheet } = await readCatalogue(ctx, body);
  const basis = await loadCatalogueBasis(readDb(ctx.db), area);
  const checked = checkCatalogue(area, basis, sheet);
  if (summarise(checked).error) throw catalogueErrors(checked);
  const at = ctx.now.getTime();
  const userId = ctx.actor.userId;
  return transaction(ctx.db, async (tx) => {
    await lockHeadingNames(tx, ancestry(area.path)[0]);
    const now = await loadCatalogueBasis(tx, area);
    const rows = basisKey(now) === basisKey(basis) ? checked : checkCatalogue(area, now, sheet);
    const counts = summarise(rows);
    if (counts.error) throw catalogueErrors(rows);
    const missing = newHeadingsOf(rows);
    if (missing.length && !body.createHeadings) throw unconfirmedHeadings(rows, missing);
    // Only a heading this import makes takes its deduction flag here; an existing one is changed on its own.
    const stray = deductions.filter((name) => !missing.includes(name));
    if (stray.length) throw new Invalid(`“${stray.join('、')}”不是本次导入新建的类别，不能在导入时设为扣分类别`, { field: 'deductionHeadings' });
    const codes = new Map<string, { code: string; blackList: boolean }>(now.headings.map((h) => [h.code, { code: h.code, blackList: h.blackList }]));
    const made = new Map<string, string>();
    let order = Math.max(0, ...now.headings.map((h) => h.sortOrder));
    for (const name of missing) {
      order += 10;
      const blackList = deductions.includes(name);
      const h = await addHeading(tx, { areaId: area.id, name, sortOrder: order, starDimension: null, blackList }, at);
      await writeAudit(tx, ctx, { entity: 'rule_heading', entityId: h.id, action: 'rule_heading.create', areaId: area.id, after: { ...h, importedFrom: body.file.filename } });
      made.set(name, h.code);
      codes.set(h.code, { code: h.code, blackList });
    }
    const created: number[] = [];
    const updated: number[] = [];
    for (const r of rows) {
      if (r.action === 'unchanged' || r.action === 'error') continue;
      const category = r.headingCode ?? made.get(r.heading)!;
      const fields = { category, name: r.name, points: r.points!, unit: r.unit, monthlyCap: r.monthlyCap, evidenceRequired: r.evidenceRequired, note: r.note };
      if (r.action === 'create') {
        const rule = await addRule(tx, { ...fields, areaId: area.id, blackList: !!codes.get(category)?.blackList && fields.points < 0, createdAt: at, updatedAt: at }, userId);
        await writeAudit(tx, ctx, { entity: 'rule', entityId: rule.id, action: 'rule.create', areaId: area.id, after: { ...rule, importRow: r.row } });
        created.push(rule.id);
        continue;
      }
      const before = (await ruleById(tx, r.ruleId!))!;
      // A black-list rule that becomes an award would break the board's rule: it stops being one.
      const after = await reviseRule(tx, before, { ...fields, active: true, blackList: before.blackList && fields.points < 0 }, userId, at);
      await writeAudit(tx, ctx, { entity: 'rule', entityId: before.id, action: 'rule.update', areaId: area.id, before, after: { ...after, importRow: r.row } });
      updated.push(before.id);
    }
    const result = { areaId: area.id, filename: body.file.filename, ...counts, created, updated, newHeadings: [...made.keys()] };
    await writeAudit(tx, ctx, { entity: 'rule', entityId: area.id, action: 'rule.import', areaId: area.id, after: result });
    return result;
  });
}
