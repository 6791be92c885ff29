import { bigint } from 'drizzle-orm/pg-core';

/** Millisecond epoch: past 2^31 since 1970-01-25, so never `integer`; mode number is exact below 2^53. */
export const millis = (name: string) => bigint(name, { mode: 'number' });

/**
 * Key of a table that stays small (areas, users, rules ...). Still bigint: county k's ids start at k·10^10
 * (db/idRange.ts), far past 2^31; mode number is exact: below 10^15 (db/idRange.ts).
 */
export const smallId = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();

/** A column holding a small table's id (area, user, household, rule ...): bigint like the key it points at. */
export const idRef = (name: string) => bigint(name, { mode: 'number' });

/**
 * Key of a table that grows with every posting or redemption (~100 million ledger rows a year in a
 * province), and of every column that points at one: 2^31 would be reached within the system's life.
 */
export const bigId = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();
export const bigRef = (name: string) => bigint(name, { mode: 'number' });
