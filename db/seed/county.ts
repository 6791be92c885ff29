import { eq } from 'drizzle-orm';
import { goods, ruleVersions, rules, users, type Role, type RuleCategory } from '../schema';
import type { SqliteTx } from '../transaction';

// The seed's setup rows: few (hundreds), so one statement each.
export type { AwardStatus, HouseholdCategory, Role, RuleCategory } from '../schema';

export async function insertSeedUser(
  tx: SqliteTx,
  v: { username: string; displayName: string; passwordHash: string; role: Role; areaId: number; householdId?: number | null; at: number },
): Promise<number> {
  return tx
    .insert(users)
    .values({ username: v.username, displayName: v.displayName, passwordHash: v.passwordHash, role: v.role, areaId: v.areaId, householdId: v.householdId ?? null, createdAt: v.at, updatedAt: v.at })
    .returning({ id: users.id })
    .get().id;
}

export interface SeedRule {
  areaId: number;
  category: RuleCategory;
  name: string;
  /** Points of the current (last) version. */
  points: number;
  unit: string;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  blackList: boolean;
  createdAt: number;
  createdBy: number | null;
  /** Oldest first; the last one is current. */
  versions: { points: number; at: number }[];
}

/** A rule with its version history; returns the rule id and the version ids, oldest first. */
export async function insertSeedRule(tx: SqliteTx, r: SeedRule): Promise<{ id: number; versionIds: number[] }> {
  const common = { category: r.category, name: r.name, unit: r.unit, monthlyCap: r.monthlyCap, evidenceRequired: r.evidenceRequired, blackList: r.blackList };
  const last = r.versions[r.versions.length - 1];
  const id = tx
    .insert(rules)
    .values({ areaId: r.areaId, ...common, points: r.points, version: r.versions.length, createdAt: r.createdAt, updatedAt: last.at })
    .returning({ id: rules.id })
    .get().id;
  const versionIds = r.versions.map(
    (v, i) =>
      tx
        .insert(ruleVersions)
        .values({ ruleId: id, version: i + 1, ...common, points: v.points, createdBy: r.createdBy, createdAt: v.at })
        .returning({ id: ruleVersions.id })
        .get().id,
  );
  tx.update(rules).set({ currentVersionId: versionIds[versionIds.length - 1] }).where(eq(rules.id, id)).run();
  return { id, versionIds };
}

export async function insertSeedGoods(
  tx: SqliteTx,
  v: { storeAreaId: number; name: string; category: string; price: number; unit: string; monthlyLimit: number | null; at: number },
): Promise<number> {
  return tx
    .insert(goods)
    .values({ storeAreaId: v.storeAreaId, name: v.name, category: v.category, price: v.price, unit: v.unit, monthlyLimit: v.monthlyLimit, createdAt: v.at, updatedAt: v.at })
    .returning({ id: goods.id })
    .get().id;
}
