import { and, eq } from 'drizzle-orm';
import { householdCategoryHistory, householdMembers, households } from '../../../db/schema';
import { shanghaiDay } from '../../../db/time';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { nameInitials } from '../../lib/identity';
import { checkRoster, readRoster, summarise } from './checkHouseholdRows';
import type { HouseholdImportBody } from './schemas';

/**
 * Imports a roster the cadre has previewed: the same bytes are read and checked again inside one
 * transaction, so what is written is what was shown, and nothing is written if any row is wrong.
 * Matched households (by ID number, else door number) are updated; members are added, never removed.
 */
export async function importHouseholds(ctx: Ctx, body: HouseholdImportBody) {
  const { village, sheet } = await readRoster(ctx, body);
  const at = ctx.now.getTime();
  const day = shanghaiDay(at);
  return ctx.db.transaction((tx) => {
    const rows = checkRoster({ db: ctx.db }, village, sheet);
    const counts = summarise(rows);
    if (counts.error) {
      throw new Unprocessable('import_has_errors', `有 ${counts.error} 行存在错误，请修改后重新上传`, { rows: rows.filter((r) => r.errors.length).map((r) => ({ row: r.row, errors: r.errors })) });
    }
    const created: number[] = [];
    const updated: number[] = [];
    for (const r of rows) {
      if (r.action === 'unchanged') continue;
      const fields = {
        headName: r.headName,
        nameInitials: nameInitials(r.headName),
        doorNo: r.doorNo,
        groupId: r.groupId,
        phone: r.phone,
        idNumber: r.idNumber,
        category: r.category,
        updatedAt: at,
      };
      if (r.action === 'create') {
        const h = tx
          .insert(households)
          .values({ villageId: village.id, ...fields, createdAt: at })
          .returning()
          .get();
        tx.insert(householdCategoryHistory).values({ householdId: h.id, category: r.category, validFrom: day, reason: '表格导入登记', changedBy: ctx.actor.userId, createdAt: at }).run();
        const members = [{ name: r.headName, relation: 'head' as const }, ...r.members.filter((m) => m.relation !== 'head')];
        for (const m of members) {
          tx.insert(householdMembers)
            .values({ householdId: h.id, name: m.name, relation: m.relation, idNumber: m.relation === 'head' ? r.idNumber : null, phone: m.relation === 'head' ? r.phone : null, createdAt: at })
            .run();
        }
        writeAudit(tx, ctx, { entity: 'household', entityId: h.id, action: 'household.create', areaId: village.id, after: { ...h, members, importRow: r.row } });
        created.push(h.id);
        continue;
      }
      const id = r.householdId!;
      const before = tx.select().from(households).where(eq(households.id, id)).get()!;
      tx.update(households).set(fields).where(eq(households.id, id)).run();
      if (before.category !== r.category) {
        tx.insert(householdCategoryHistory).values({ householdId: id, category: r.category, validFrom: day, reason: '表格导入更新', changedBy: ctx.actor.userId, createdAt: at }).run();
      }
      if (before.headName !== r.headName) {
        tx.update(householdMembers).set({ name: r.headName }).where(and(eq(householdMembers.householdId, id), eq(householdMembers.relation, 'head'))).run();
      }
      const known = new Set(tx.select({ name: householdMembers.name }).from(householdMembers).where(eq(householdMembers.householdId, id)).all().map((m) => m.name));
      const added = r.members.filter((m) => m.relation !== 'head' && !known.has(m.name));
      for (const m of added) tx.insert(householdMembers).values({ householdId: id, name: m.name, relation: m.relation, createdAt: at }).run();
      writeAudit(tx, ctx, { entity: 'household', entityId: id, action: 'household.update', areaId: village.id, before, after: { ...fields, addedMembers: added, importRow: r.row } });
      updated.push(id);
    }
    const result = { villageId: village.id, filename: body.file.filename, ...counts, created, updated };
    writeAudit(tx, ctx, { entity: 'household_import', entityId: village.id, action: 'household.import', areaId: village.id, after: result });
    return result;
  });
}
