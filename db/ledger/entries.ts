import type { Db } from '../client';
import type { LedgerKind } from '../schema/ledger';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

export type { LedgerKind };

/** One stored ledger entry, every column. */
export interface LedgerEntryRow {
  id: number;
  householdId: number;
  villageId: number;
  kind: LedgerKind;
  points: number;
  balanceAfter: number;
  conductPoints: number;
  occurredOn: string;
  ruleId: number | null;
  category: string | null;
  awardId: number | null;
  redemptionId: number | null;
  reversesId: number | null;
  note: string | null;
  createdBy: number | null;
  createdAt: number;
  prevHash: string;
  hash: string;
  chainId: number | null;
  seq: number | null;
  hashVersion: number;
  salt: string | null;
  privateDigest: string | null;
  rulePublic: boolean;
}

const ENTRY_COLUMNS = `l.id, l.household_id AS "householdId", l.village_id AS "villageId", l.kind, l.points, l.balance_after AS "balanceAfter",
  l.conduct_points AS "conductPoints", l.occurred_on AS "occurredOn", l.rule_id AS "ruleId", l.category, l.award_id AS "awardId",
  l.redemption_id AS "redemptionId", l.reverses_id AS "reversesId", l.note, l.created_by AS "createdBy", l.created_at AS "createdAt",
  l.prev_hash AS "prevHash", l.hash, l.chain_id AS "chainId", l.seq, l.hash_version AS "hashVersion", l.salt,
  l.private_digest AS "privateDigest", l.rule_public AS "rulePublic"`;

/** An entry with the materialised path of its village (for the scope check). */
export async function ledgerEntryWithVillagePath(db: Db, id: number): Promise<(LedgerEntryRow & { villagePath: string }) | undefined> {
  const row = await sqlOf(db).get<LedgerEntryRow & { villagePath: string }>(
    `SELECT ${ENTRY_COLUMNS}, a.path AS "villagePath" FROM ledger_entries l JOIN areas a ON a.id = l.village_id WHERE l.id = ?`,
    [id],
  );
  return row && { ...row, rulePublic: Boolean(row.rulePublic) };
}

/** The id of the entry that reverses `id`, if there is one. */
export async function reversalOf(db: Db, id: number): Promise<number | undefined> {
  return (await sqlOf(db).get<{ id: number }>('SELECT id FROM ledger_entries WHERE reverses_id = ?', [id]))?.id;
}

/** The goods and quantities of a redemption, in goods id order (the order goods are locked in). */
export async function redemptionLines(tx: Tx, redemptionId: number): Promise<{ goodsId: number; quantity: number }[]> {
  return sqlOf(tx).all('SELECT goods_id AS "goodsId", quantity FROM redemption_items WHERE redemption_id = ? ORDER BY goods_id', [redemptionId]);
}

export interface LedgerPageItem {
  id: number;
  kind: LedgerKind;
  points: number;
  balanceAfter: number;
  conductPoints: number;
  occurredOn: string;
  ruleId: number | null;
  ruleName: string | null;
  category: string | null;
  awardId: number | null;
  redemptionId: number | null;
  reversesId: number | null;
  note: string | null;
  createdAt: number;
  hash: string;
  /** The entry that reversed this one, if any. */
  reversedById: number | null;
}

/** A household's entries, newest first, with the rule behind each and the entry that reversed it; and how many there are. */
export async function householdLedgerPage(db: Db, householdId: number, page: { limit: number; offset: number }): Promise<{ items: LedgerPageItem[]; total: number }> {
  const q = sqlOf(db);
  const items = await q.all<LedgerPageItem>(
    `SELECT l.id, l.kind, l.points, l.balance_after AS "balanceAfter", l.conduct_points AS "conductPoints", l.occurred_on AS "occurredOn",
            l.rule_id AS "ruleId", r.name AS "ruleName", l.category, l.award_id AS "awardId", l.redemption_id AS "redemptionId",
            l.reverses_id AS "reversesId", l.note, l.created_at AS "createdAt", l.hash, rev.id AS "reversedById"
       FROM ledger_entries l
       LEFT JOIN rules r ON r.id = l.rule_id
       LEFT JOIN ledger_entries rev ON rev.reverses_id = l.id
      WHERE l.household_id = ?
      ORDER BY l.id DESC
      LIMIT ? OFFSET ?`,
    [householdId, page.limit, page.offset],
  );
  const total = (await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_entries WHERE household_id = ?', [householdId]))?.n ?? 0;
  return { items, total };
}

export interface RedemptionGoodsLine {
  goodsId: number;
  name: string;
  unit: string;
  quantity: number;
  points: number;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** What was handed over in each of some redemptions, and at which store: what a household sees beside its redemption entry. */
export async function redemptionGoodsOf(db: Db, redemptionIds: readonly number[]): Promise<Map<number, { storeName: string; lines: RedemptionGoodsLine[] }>> {
  const out = new Map<number, { storeName: string; lines: RedemptionGoodsLine[] }>();
  if (!redemptionIds.length) return out;
  const q = sqlOf(db);
  const ids = [...redemptionIds];
  const heads = await q.all<{ id: number; storeName: string }>(
    `SELECT r.id, a.name AS "storeName" FROM redemptions r JOIN areas a ON a.id = r.store_area_id WHERE r.id IN (${placeholders(ids.length)})`,
    ids,
  );
  for (const h of heads) out.set(h.id, { storeName: h.storeName, lines: [] });
  const lines = await q.all<RedemptionGoodsLine & { redemptionId: number }>(
    `SELECT i.redemption_id AS "redemptionId", i.goods_id AS "goodsId", g.name, g.unit, i.quantity, i.points
       FROM redemption_items i JOIN goods g ON g.id = i.goods_id
      WHERE i.redemption_id IN (${placeholders(ids.length)})
      ORDER BY i.redemption_id, i.goods_id`,
    ids,
  );
  for (const { redemptionId, ...line } of lines) out.get(redemptionId)?.lines.push(line);
  return out;
}
