import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';

export const householdCategories = ['general', 'poverty_exited', 'monitored', 'dibao', 'wubao'] as const;
export type HouseholdCategory = (typeof householdCategories)[number];

export const households = sqliteTable(
  'households',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageId: integer('village_id')
      .notNull()
      .references(() => areas.id),
    groupId: integer('group_id').references(() => areas.id),
    headName: text('head_name').notNull(),
    // Pinyin initials of the head's name ("zsm" for 张三明) for quick search on a phone keyboard.
    nameInitials: text('name_initials').notNull().default(''),
    doorNo: text('door_no'),
    phone: text('phone'),
    idNumber: text('id_number'),
    category: text('category', { enum: householdCategories }).notNull().default('general'),
    // Cached sum of the household's ledger entries; written only in the same transaction as the entry.
    balance: integer('balance').notNull().default(0),
    status: text('status', { enum: ['active', 'archived'] }).notNull().default('active'),
    redemptionSuspended: integer('redemption_suspended', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    // Secret (never served): 32 hex a trigger assigns on insert, never changed; the household's public
    // pseudonym of each year is derived from it (db/ledger/pseudonym.ts).
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

export const householdMembers = sqliteTable(
  'household_members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    name: text('name').notNull(),
    relation: text('relation').notNull().default('other'),
    idNumber: text('id_number'),
    phone: text('phone'),
    isProxy: integer('is_proxy', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('household_members_household_idx').on(t.householdId)],
);

/** Category changes over time (动态管理); the current one is also on the household row. */
export const householdCategoryHistory = sqliteTable(
  'household_category_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    category: text('category', { enum: householdCategories }).notNull(),
    validFrom: text('valid_from').notNull(),
    reason: text('reason'),
    changedBy: integer('changed_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('household_category_history_household_idx').on(t.householdId)],
);
