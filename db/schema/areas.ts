import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** county > township > village > group. `path` is the materialised ancestry ("/1/4/9/") used for subtree scoping. */
export const areas = sqliteTable(
  'areas',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['county', 'township', 'village', 'group'] }).notNull(),
    parentId: integer('parent_id'),
    path: text('path').notNull(),
    // Settings are nullable: null means "inherit from the parent".
    noticeDays: integer('notice_days'),
    maskMode: text('mask_mode', { enum: ['name', 'door'] }),
    expiryMode: text('expiry_mode', { enum: ['carry', 'months', 'year_end'] }),
    expiryMonths: integer('expiry_months'),
    starThresholds: text('star_thresholds'),
    // What one point is worth in fen when redemptions are valued (100 = 1 元).
    pointValueFen: integer('point_value_fen'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('areas_parent_idx').on(t.parentId), index('areas_path_idx').on(t.path)],
);
