import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { meta } from './schema';
import type { Tx } from './transaction';

/** One installation fact (signing secret, …), or undefined. */
export async function readMeta(db: Db, key: string): Promise<string | undefined> {
  return db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value;
}

/**
 * Stores `value` under `key` unless a value is already there, and returns the value that holds now:
 * of two processes starting at once, both end up with the first one's.
 */
export async function putMetaIfAbsent(tx: Tx, key: string, value: string): Promise<string> {
  tx.insert(meta).values({ key, value }).onConflictDoNothing().run();
  return tx.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()!.value;
}
