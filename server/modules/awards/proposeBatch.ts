import { insertAwardBatch, insertAwards, type NewAward } from '../../../db/awards/awards';
import { proposalHouseholds, type ProposalHousehold } from '../../../db/awards/proposals';
import { readDb, type Db } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import type { RuleRow } from '../../../db/rules';
import { insertAwardEvidence } from '../../../db/evidence/evidence';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { assertOwnEvidence, refuseWithoutPhotos } from '../evidence/proposalEvidence';
import { findApplicableRule } from '../rules/listRules';
import { overMonthlyCap } from './monthlyCap';
import { assertDayNotInFuture } from './proposeAward';
import type { ProposeBatchBody } from './schemas';

interface SheetRow {
  householdId: number;
  ruleId: number;
  quantity: number;
  evidence: readonly string[];
}

const RULE_UNUSABLE = '细则不存在、已停用或不适用于所有农户';

function refuseArchived(ids: number[]): void {
  if (ids.length) throw new Unprocessable('household_archived', `已注销的农户不能申报：${ids.slice(0, 10).join(', ')}`, { householdIds: ids });
}

/** The rule if it is active and applies in every one of these villages (its own or inherited), else null. */
async function usableRule(db: Db, ruleId: number, villagePaths: readonly string[]): Promise<RuleRow | null> {
  let rule: RuleRow | null = null;
  for (const path of villagePaths) {
    rule = await findApplicableRule(db, ruleId, path);
    if (!rule) return null;
  }
  return rule?.active ? rule : null;
}

/** Rules of the sheet in first-use order, each with the villages of the households it is given to. */
function rulesOfSheet(rows: readonly SheetRow[], byId: ReadonlyMap<number, ProposalHousehold>): Map<number, string[]> {
  const paths = new Map<number, Set<string>>();
  for (const r of rows) {
    const set = paths.get(r.ruleId) ?? new Set<string>();
    set.add(byId.get(r.householdId)!.villagePath);
    paths.set(r.ruleId, set);
  }
  return new Map([...paths].map(([id, s]) => [id, [...s]]));
}

/**
 * One sheet for many households, all or nothing: one rule for all (a work day), or a rule per row
 * (a graded hygiene inspection: 优, 良 and 差 each mapped to its rule). Every row is validated first;
 * inside one transaction the villages are locked, each rule's monthly cap is counted, and the sheet is
 * written as one batch that reviewers see together.
 */
export async function proposeBatch(ctx: Ctx, body: ProposeBatchBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  // The schema guarantees a rule for every row (its own or the batch's).
  const rows: SheetRow[] = body.items.map((i) => ({ householdId: i.householdId, ruleId: (i.ruleId ?? body.ruleId)!, quantity: i.quantity, evidence: i.evidence ?? [] }));
  const ids = rows.map((i) => i.householdId);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) throw new Invalid(`同一农户在批次中出现多次：${[...new Set(duplicates)].join(', ')}`, { householdIds: duplicates }, 'duplicate_household');
  const read = readDb(ctx.db);
  await assertOwnEvidence(read, ctx.actor, rows.flatMap((r) => r.evidence));
  const found = (await proposalHouseholds(read, ids)).filter((h) => pathWithin(ctx.actor, h.villagePath));
  const byId = new Map(found.map((h) => [h.id, h]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new NotFound(`农户不存在：${missing.slice(0, 10).join(', ')}`);
  refuseArchived(found.filter((h) => h.status !== 'active').map((h) => h.id));
  const ruleVillages = rulesOfSheet(rows, byId);
  for (const [ruleId, paths] of ruleVillages) {
    const rule = await usableRule(read, ruleId, paths);
    if (!rule) throw new NotFound(RULE_UNUSABLE);
    refuseWithoutPhotos(rule, rows);
  }
  const villageIds = [...new Set(found.map((h) => h.villageId))].sort((a, b) => a - b);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // Every village the batch touches, in id order, before the caps are counted.
    for (const villageId of villageIds) await lockVillageChain(tx, villageId);
    refuseArchived((await proposalHouseholds(tx, ids)).filter((h) => h.status !== 'active').map((h) => h.id));
    // Rules re-read under the lock: one may have been deactivated, re-capped or given an evidence requirement meanwhile.
    const rules = new Map<number, RuleRow & { currentVersionId: number }>();
    const refused: { ruleId: number; householdIds: number[]; text: string }[] = [];
    for (const [ruleId, paths] of ruleVillages) {
      const rule = await usableRule(tx, ruleId, paths);
      if (!rule) throw new NotFound(RULE_UNUSABLE);
      refuseWithoutPhotos(rule, rows);
      const versionId = rule.currentVersionId;
      if (versionId == null) throw new Error(`rule ${rule.id} has no current version`);
      rules.set(ruleId, { ...rule, currentVersionId: versionId });
      const over = (await overMonthlyCap(tx, rule, rows.filter((r) => r.ruleId === ruleId), body.occurredOn)).map((o) => o.householdId);
      // A rule counted in months (unit 月) is done once a month: "最多 1 次", not "最多 1月".
      const capUnit = rule.unit === '月' ? '次' : rule.unit;
      if (over.length) refused.push({ ruleId, householdIds: over, text: `「${rule.name}」每户每月最多 ${rule.monthlyCap} ${capUnit}，${over.length} 户超出` });
    }
    if (refused.length) {
      // The web names the households from details; per rule when the sheet has several.
      throw new Unprocessable('monthly_cap_exceeded', refused.map((r) => r.text).join('；'), {
        householdIds: refused.flatMap((r) => r.householdIds),
        rules: refused.map(({ ruleId, householdIds }) => ({ ruleId, householdIds })),
      });
    }
    const ruleIds = [...rules.keys()];
    const batch = await insertAwardBatch(tx, {
      villageId: villageIds.length === 1 ? villageIds[0] : null,
      // The column is required: a graded sheet records its first row's rule here; every award names its own.
      ruleId: ruleIds[0],
      occurredOn: body.occurredOn,
      count: rows.length,
      note: body.note ?? null,
      proposedBy: ctx.actor.userId,
      createdAt: at,
    });
    const awardRows: NewAward[] = rows.map((i) => {
      const rule = rules.get(i.ruleId)!;
      return {
        householdId: i.householdId,
        villageId: byId.get(i.householdId)!.villageId,
        ruleId: rule.id,
        ruleVersionId: rule.currentVersionId,
        batchId: batch.id,
        quantity: i.quantity,
        points: rule.points * i.quantity,
        occurredOn: body.occurredOn,
        note: body.note ?? null,
        status: 'pending',
        proposedBy: ctx.actor.userId,
        proposedAt: at,
      };
    });
    const awardIds = await insertAwards(tx, awardRows);
    await insertAwardEvidence(tx, awardIds.map((awardId, i) => ({ awardId, hashes: rows[i].evidence })).filter((r) => r.hashes.length));
    const totalPoints = awardRows.reduce((s, r) => s + r.points, 0);
    const perRule = ruleIds.map((ruleId) => {
      const mine = awardRows.filter((r) => r.ruleId === ruleId);
      return { ruleId, count: mine.length, points: mine.reduce((s, r) => s + r.points, 0) };
    });
    await writeAudit(tx, ctx, {
      entity: 'award_batch',
      entityId: batch.id,
      action: 'award_batch.propose',
      areaId: batch.villageId,
      after: { ...batch, ruleIds, rules: perRule, awardIds, totalPoints, photos: rows.reduce((n, r) => n + r.evidence.length, 0) },
    });
    return { batchId: batch.id, ids: awardIds, count: awardIds.length, totalPoints, rules: perRule, status: 'pending' as const };
  });
}
