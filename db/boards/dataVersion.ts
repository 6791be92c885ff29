import type Database from 'better-sqlite3';
import { pgBackendOf, replicaDb, type Db } from '../client';
import { inTransaction, sqlOf } from '../sql';

// PRAGMA data_version costs ~10× total_changes(), so other connections' commits are looked for at most this often.
const OTHER_WRITERS_CHECK_MS = 1000;

interface Probe {
  changes: Database.Statement<[], number>;
  version: Database.Statement<[], number>;
  seen: { version: number; checkedAt: number } | null;
}
const probes = new WeakMap<Database.Database, Probe>();

/**
 * A stamp that changes whenever anything is committed to the database: by this process at once
 * (total_changes of the write connection), by another process within a second (data_version). Caches
 * of public boards and print pages are kept only while it stays the same.
 *
 * Pass the WRITE handle (`ctx.db`): a read connection's total_changes never sees this process's writes.
 * Null while the write connection is inside a transaction: its uncommitted changes already moved the
 * count, and COMMIT does not move it again, so nothing read meanwhile may be cached under it.
 *
 * On PostgreSQL: the version row every writing transaction moves (db/transaction.ts), read where public
 * data is read (the replica, when there is one). A replica's row is exactly as current as its data, so
 * nothing older than a stamp is ever cached under it.
 */
export async function dataVersion(db: Db): Promise<string | null> {
  if (inTransaction(db)) return null;
  if (pgBackendOf(db)) {
    const row = await sqlOf(replicaDb(db)).get<{ version: number }>('SELECT version FROM data_version WHERE id = 1');
    return `pg.${row?.version ?? 0}`;
  }
  const client = db.$client;
  let p = probes.get(client);
  if (!p) {
    p = {
      changes: client.prepare<[], number>('SELECT total_changes()').pluck(),
      version: client.prepare<[], number>('PRAGMA data_version').pluck(),
      seen: null,
    };
    probes.set(client, p);
  }
  const now = Date.now();
  if (!p.seen || now - p.seen.checkedAt >= OTHER_WRITERS_CHECK_MS) p.seen = { version: p.version.get()!, checkedAt: now };
  return `${p.changes.get()}.${p.seen.version}`;
}
