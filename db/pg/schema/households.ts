import { pgTable, integer, text, boolean, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { householdCategories } from '../../schema/households';
import { areas } from './areas';
import { millis, smallId, idRef } from './columns';

export { householdCategories, type HouseholdCategory } from '../../schema/households';

export const households = pgTable(
  'households',
  {
    id: smallId(),
    villageId: idRef('village_id')
      .notNull()
      .references(() => areas.id),
    groupId: idRef('group_id').references(() => areas.id),
    headName: text('head_name').notNull(),
    nameInitials: text('name_initials').notNull().default(''),
    doorNo: text('door_no'),
    phone: text('phone'),
    idNumber: text('id_number'),
    category: text('category', { enum: householdCategories }).notNull().default('general'),
    balance: integer('balance').notNull().default(0),
    status: text('status', { enum: ['active', 'archived'] }).notNull().default('active'),
    redemptionSuspended: boolean('redemption_suspended').notNull().default(false),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    // Assigned on insert and frozen by triggers (0001_append_only.sql).
    pseudonymSeed: text('pseudonym_seed'),
  },
  (t) => [
    uniqueIndex('households_pseudonym_seed_uq').on(t.pseudonymSeed),
    index('households_village_idx').on(t.villageId, t.headName),
    index('households_initials_idx').on(t.villageId, t.nameInitials),
    index('households_village_status_idx').on(t.villageId, t.status),
    uniqueIndex('households_id_number_uq').on(t.idNumber),
  ],
);

export const householdMembers = pgTable(
  'household_members',
  {
    id: smallId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    name: text('name').notNull(),
    relation: text('relation').notNull().default('other'),
    idNumber: text('id_number'),
    phone: text('phone'),
    isProxy: boolean('is_proxy').notNull().default(false),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('household_members_household_idx').on(t.householdId)],
);

/** Append-only (0001_append_only.sql). */
export const householdCategoryHistory = pgTable(
  'household_category_history',
  {
    id: smallId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    category: text('category', { enum: householdCategories }).notNull(),
    validFrom: text('valid_from').notNull(),
    reason: text('reason'),
    changedBy: idRef('changed_by'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('household_category_history_household_idx').on(t.householdId)],
);
