import { pgTable, integer, text, boolean, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { millis, smallId, idRef } from './columns';

export { ruleCategories, type RuleCategory } from '../../schema/rules';

export const ruleHeadings = pgTable(
  'rule_headings',
  {
    id: smallId(),
    areaId: idRef('area_id').references(() => areas.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    starDimension: text('star_dimension'),
    blackList: boolean('black_list').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [uniqueIndex('rule_headings_code_uq').on(t.code), index('rule_headings_area_idx').on(t.areaId)],
);

export const rules = pgTable(
  'rules',
  {
    id: smallId(),
    areaId: idRef('area_id')
      .notNull()
      .references(() => areas.id),
    category: text('category').notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    unit: text('unit').notNull().default('次'),
    monthlyCap: integer('monthly_cap'),
    evidenceRequired: boolean('evidence_required').notNull().default(false),
    blackList: boolean('black_list').notNull().default(false),
    note: text('note'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    currentVersionId: idRef('current_version_id'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [index('rules_area_idx').on(t.areaId)],
);

export const ruleVersions = pgTable(
  'rule_versions',
  {
    id: smallId(),
    ruleId: idRef('rule_id')
      .notNull()
      .references(() => rules.id),
    version: integer('version').notNull(),
    category: text('category').notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    unit: text('unit').notNull(),
    monthlyCap: integer('monthly_cap'),
    evidenceRequired: boolean('evidence_required').notNull(),
    blackList: boolean('black_list').notNull(),
    note: text('note'),
    createdBy: idRef('created_by'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [uniqueIndex('rule_versions_rule_version_uq').on(t.ruleId, t.version)],
);
