import { pgTable, integer, text, boolean, index, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';
import { ledgerKinds } from '../../schema/ledger';
import { areas } from './areas';
import { bigId, bigRef, millis, idRef } from './columns';
import { households } from './households';

export { ledgerKinds, type LedgerKind } from '../../schema/ledger';

/** Append-only, and every insert joins its village's chain: triggers in 0001_append_only.sql. */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    villageId: idRef('village_id')
      .notNull()
      .references(() => areas.id),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    points: integer('points').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    conductPoints: integer('conduct_points').notNull().default(0),
    occurredOn: text('occurred_on').notNull(),
    ruleId: idRef('rule_id'),
    category: text('category'),
    awardId: bigRef('award_id'),
    redemptionId: bigRef('redemption_id'),
    reversesId: bigRef('reverses_id'),
    note: text('note'),
    createdBy: idRef('created_by'),
    createdAt: millis('created_at').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    chainId: idRef('chain_id'),
    seq: integer('seq'),
    // Same default as SQLite so a copied or hand-written row behaves alike; the insert trigger refuses 1 anyway.
    hashVersion: integer('hash_version').notNull().default(1),
    salt: text('salt'),
    privateDigest: text('private_digest'),
    rulePublic: boolean('rule_public').notNull().default(true),
  },
  (t) => [
    index('ledger_household_idx').on(t.householdId, t.id),
    index('ledger_village_day_idx').on(t.villageId, t.occurredOn),
    uniqueIndex('ledger_reverses_uq').on(t.reversesId),
    uniqueIndex('ledger_chain_seq_uq').on(t.chainId, t.seq),
  ],
);

export const householdPeriodScores = pgTable(
  'household_period_scores',
  {
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    period: text('period').notNull(),
    villageId: idRef('village_id').notNull(),
    townshipId: idRef('township_id').notNull(),
    countyId: idRef('county_id').notNull(),
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

/** The village lock: transactions take this row FOR UPDATE first (db/pg/locks.ts). */
export const ledgerChains = pgTable('ledger_chains', {
  villageId: idRef('village_id')
    .primaryKey()
    .references(() => areas.id),
  lastSeq: integer('last_seq').notNull(),
  headHash: text('head_hash').notNull(),
  genesisHash: text('genesis_hash').notNull(),
});
