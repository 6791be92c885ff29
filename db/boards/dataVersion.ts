import type Database from 'better-sqlite3';
import { pgBackendOf, replicaDb, type Db, type PgBackend } from '../client';
import { inTransaction, isSqlite, sqlOf } from '../sql';

// PRAGMA data_version costs ~10× total_changes(), so other connections' commits are looked for at most this often.
const OTHER_WRITERS_CHECK_MS = 1000;

interface Probe {
  changes: Database.Statement<[], number>;
  version: Database.Statement<[], number>;
  seen: { version: number; checkedAt: number } | null;
}
const probes = new WeakMap<Database.Database, Probe>();

/**
 * How often a process reads PostgreSQL's version row, at most: a cached board costs no round trip in
 * between. Another process's commit reaches this process's caches within this long after the replica has
 * it (replica lag + 1 s); this process's own commits at once (`noteLocalCommit`).
 */
export const PG_VERSION_READ_INTERVAL_MS = 1000;

interface PgSeen {
  /** Writing transactions this process committed: its own writes change the stamp at once. */
  localCommits: number;
  version: number;
  /** When the read that gave `version` started (what it saw is at least that new). */
  readAt: number;
  /** The read in flight: everyone who needs a fresh version meanwhile waits for this one. */
  reading: Promise<number> | null;
}
const pgSeen = new WeakMap<PgBackend, PgSeen>();

function pgSeenOf(pg: PgBackend): PgSeen {
  let seen = pgSeen.get(pg);
  if (!seen) {
    seen = { localCommits: 0, version: 0, readAt: Number.NEGATIVE_INFINITY, reading: null };
    pgSeen.set(pg, seen);
  }
  return seen;
}

/** Called by `transaction()` right after a writing PostgreSQL transaction committed, before it returns. */
export function noteLocalCommit(pg: PgBackend): void {
  pgSeenOf(pg).localCommits += 1;
}

async function pgVersion(db: Db, pg: PgBackend): Promise<number> {
  const seen = pgSeenOf(pg);
  const startedAt = Date.now();
  if (startedAt - seen.readAt < PG_VERSION_READ_INTERVAL_MS) return seen.version;
  seen.reading ??= sqlOf(replicaDb(db))
    .get<{ version: number }>('SELECT version FROM data_version WHERE id = 1')
    .then((row) => {
      seen.version = row?.version ?? 0;
      seen.readAt = startedAt;
      return seen.version;
    })
    .finally(() => {
      seen.reading = null;
    });
  return seen.reading;
}

/**
 * A stamp that changes whenever anything is committed to the database: by this process at once
 * (total_changes of the write connection), by another process within a second (data_version). Caches
 * of public boards and print pages are kept only while it stays the same.
 *
 * Pass the WRITE handle (`ctx.db`): a read connection's total_changes never sees this process's writes.
 * Null while the write connection is inside a transaction: its uncommitted changes already moved the
 * count, and COMMIT does not move it again, so nothing read meanwhile may be cached under it.
 *
 * On PostgreSQL the same shape: this process's count of writing commits (moved before `transaction()`
 * returns), and the version row every writing transaction moves after its commit (db/transaction.ts), read
 * where public data is read (the replica, when there is one) at most once per `PG_VERSION_READ_INTERVAL_MS`
 * by one read the concurrent callers share. Data is read after the stamp it is cached under, so nothing older
 * than a stamp is ever kept under it; another process's commit reaches the stamp within replica lag + 1 s.
 */
export async function dataVersion(db: Db): Promise<string | null> {
  if (inTransaction(db)) return null;
  if (!isSqlite(db)) {
    const pg = pgBackendOf(db);
    if (!pg) throw new Error('programming error: dataVersion takes the database handle, not a replica handle');
    const version = await pgVersion(db, pg);
    return `pg.${pgSeenOf(pg).localCommits}.${version}`;
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
