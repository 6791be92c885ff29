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
/**
 * A rule's stored category: one of the seven codes of the county template, or the code of an area's own
 * heading (`h<id>`). Ledger entries copy it and their hash covers it, so it never changes for a row.
 */
export type RuleCategory = string;

/**
 * A catalogue heading (类别) of an area, inherited downward like rules; `area_id` NULL is the built-in
 * county template (the seven historical categories). `code` is what rules and ledger rows store.
 */
export const ruleHeadings = sqliteTable(
  'rule_headings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    areaId: integer('area_id').references(() => areas.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    // The star dimension (e.g. 遵纪守法星) this heading's points count toward, if any.
    starDimension: text('star_dimension'),
    // A deduction heading: its rules are black-list (黑榜) deductions by default.
    blackList: integer('black_list', { mode: 'boolean' }).notNull().default(false),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('rule_headings_code_uq').on(t.code), index('rule_headings_area_idx').on(t.areaId)],
);

/** The rule head: its current fields. Every change also writes a new rule_versions row. */
export const rules = sqliteTable(
  'rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    category: text('category').notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    unit: text('unit').notNull().default('次'),
    monthlyCap: integer('monthly_cap'),
    evidenceRequired: integer('evidence_required', { mode: 'boolean' }).notNull().default(false),
    // Deductions under a black-list rule put the household on the village black list (黑榜).
    blackList: integer('black_list', { mode: 'boolean' }).notNull().default(false),
    // 备注 of the catalogue as the village keeps it (imported and exported with it).
    note: text('note'),
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
    category: text('category').notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    unit: text('unit').notNull(),
    monthlyCap: integer('monthly_cap'),
    evidenceRequired: integer('evidence_required', { mode: 'boolean' }).notNull(),
    blackList: integer('black_list', { mode: 'boolean' }).notNull(),
    note: text('note'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('rule_versions_rule_version_uq').on(t.ruleId, t.version)],
);
