import type { Db } from './client';
import { sqlOf } from './sql';
import type { Tx } from './transaction';

/** One installation fact (signing secret, …), or undefined. */
export async function readMeta(db: Db, key: string): Promise<string | undefined> {
  return (await sqlOf(db).get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]))?.value;
}

/**
 * Stores `value` under `key` unless a value is already there, and returns the value that holds now:
 * of two processes starting at once, both end up with the first one's.
 */
export async function putMetaIfAbsent(tx: Tx, key: string, value: string): Promise<string> {
  const q = sqlOf(tx);
  await q.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, value]);
  return (await q.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]))!.value;
}
