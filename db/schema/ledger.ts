import { sqliteTable, integer, text, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';
import { households } from './households';

export const ledgerKinds = ['award', 'deduction', 'redemption', 'reversal', 'expiry', 'adjustment'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/**
 * The only record of points. Append-only: triggers refuse UPDATE and DELETE.
 * `conductPoints` is this entry's effect on the conduct score (表现积分): awards and deductions
 * and their reversals count; redemptions, expiry and adjustments do not.
 * `hash` chains every entry to the one before it in its village's chain (`chainId` = village id, `seq`
 * 1, 2, 3 …). Entries written before chains were per village (`hashVersion` 1) have no chain id or seq:
 * they form the old single chain, ordered by id, whose head is every village chain's genesis.
 */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    villageId: integer('village_id')
      .notNull()
      .references(() => areas.id),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    points: integer('points').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    conductPoints: integer('conduct_points').notNull().default(0),
    // Shanghai calendar day the entry counts for: the deed's day for awards, else the posting day.
    occurredOn: text('occurred_on').notNull(),
    ruleId: integer('rule_id'),
    category: text('category'),
    awardId: integer('award_id'),
    redemptionId: integer('redemption_id'),
    reversesId: integer('reverses_id'),
    note: text('note'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    chainId: integer('chain_id'),
    seq: integer('seq'),
    // 1: the old single chain (kept verifiable as written); 2: per-village chains. The default only serves the upgrade.
    hashVersion: integer('hash_version').notNull().default(1),
    // Version 3: the random per-entry salt and the digest of the private fields it blinds (null before).
    salt: text('salt'),
    privateDigest: text('private_digest'),
    // Whether the public ledger shows `ruleId`: false on a deduction under a rule that was not a black-list
    // rule when it was posted, and on a reversal of such a deduction. Version 3 hashes cover the choice.
    rulePublic: integer('rule_public', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    index('ledger_household_idx').on(t.householdId, t.id),
    index('ledger_village_day_idx').on(t.villageId, t.occurredOn),
    // A second reversal of the same entry is impossible, even across processes.
    uniqueIndex('ledger_reverses_uq').on(t.reversesId),
    uniqueIndex('ledger_chain_seq_uq').on(t.chainId, t.seq),
  ],
);

/**
 * Conduct score per household and period ("2026", "2026-Q1", "2026-03"), kept up to date in the
 * posting transaction so boards and ranks never sum the ledger per request.
 */
export const householdPeriodScores = sqliteTable(
  'household_period_scores',
  {
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    period: text('period').notNull(),
    villageId: integer('village_id').notNull(),
    townshipId: integer('township_id').notNull(),
    countyId: integer('county_id').notNull(),
    score: integer('score').notNull().default(0),
    earned: integer('earned').notNull().default(0),
    deducted: integer('deducted').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.householdId, t.period] }),
    index('scores_village_period_idx').on(t.villageId, t.period, t.score),
    index('scores_township_period_idx').on(t.townshipId, t.period, t.score),
    index('scores_county_period_idx').on(t.countyId, t.period, t.score),
  ],
);

/**
 * The head of each village's hash chain. Every write that reads then changes a village's state takes
 * this row first (lockVillageChain), so on an engine with row locks it is the village lock.
 * `genesisHash` is what entry 1 chains to: the head of the old single chain on an upgraded database,
 * else 64 zeros.
 */
export const ledgerChains = sqliteTable('ledger_chains', {
  villageId: integer('village_id')
    .primaryKey()
    .references(() => areas.id),
  lastSeq: integer('last_seq').notNull(),
  headHash: text('head_hash').notNull(),
  genesisHash: text('genesis_hash').notNull(),
});
