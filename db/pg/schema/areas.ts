import { pgTable, integer, text, index } from 'drizzle-orm/pg-core';
import { millis, smallId, idRef } from './columns';

/** county > township > village > group. `path` is the materialised ancestry ("/1/4/9/") used for subtree scoping. */
export const areas = pgTable(
  'areas',
  {
    id: smallId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['county', 'township', 'village', 'group'] }).notNull(),
    parentId: idRef('parent_id'),
    path: text('path').notNull(),
    noticeDays: integer('notice_days'),
    maskMode: text('mask_mode', { enum: ['name', 'door'] }),
    expiryMode: text('expiry_mode', { enum: ['carry', 'months', 'year_end'] }),
    expiryMonths: integer('expiry_months'),
    starThresholds: text('star_thresholds'),
    pointValueFen: integer('point_value_fen'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('areas_parent_idx').on(t.parentId), index('areas_path_idx').on(t.path)],
);
