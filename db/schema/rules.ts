import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';

export const ruleCategories = [
  'public_welfare',
  'hygiene',
  'family_virtue',
  'civility',
  'law_abiding',
  'industrious',
  'education',
] as const;
export type RuleCategory = (typeof ruleCategories)[number];

/** The rule head: its current fields. Every change also writes a new rule_versions row. */
export const rules = sqliteTable(
  'rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    category: text('category', { enum: ruleCategories }).notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    unit: text('unit').notNull().default('次'),
    monthlyCap: integer('monthly_cap'),
    evidenceRequired: integer('evidence_required', { mode: 'boolean' }).notNull().default(false),
    // Deductions under a black-list rule put the household on the village black list (黑榜).
    blackList: integer('black_list', { mode: 'boolean' }).notNull().default(false),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    version: integer('version').notNull().default(1),
    currentVersionId: integer('current_version_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('rules_area_idx').on(t.areaId)],
);

export const ruleVersions = sqliteTable(
  'rule_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id),
    version: integer('version').notNull(),
    category: text('category', { enum: ruleCategories }).notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    unit: text('unit').notNull(),
    monthlyCap: integer('monthly_cap'),
    evidenceRequired: integer('evidence_required', { mode: 'boolean' }).notNull(),
    blackList: integer('black_list', { mode: 'boolean' }).notNull(),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('rule_versions_rule_version_uq').on(t.ruleId, t.version)],
);
