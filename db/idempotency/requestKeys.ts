import { readDb, type Db } from '../client';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

export interface RequestKeyRow {
  requestHash: string;
  status: number | null;
  contentType: string | null;
  body: string | null;
  createdAt: number;
}

const SELECT_KEY = `SELECT request_hash AS "requestHash", status AS "status", content_type AS "contentType", body AS "body", created_at AS "createdAt"
  FROM request_keys WHERE user_id = ? AND key = ?`;

/** A user's reservation of a key, as committed (read connection). */
export async function findRequestKey(db: Db, userId: number, key: string): Promise<RequestKeyRow | undefined> {
  return sqlOf(readDb(db)).get<RequestKeyRow>(SELECT_KEY, [userId, key]);
}

/**
 * Reserves (user, key) for a request with this hash, unless a live row holds it. Rows created before
 * `expiredBefore`, and rows still in progress created before `abandonedBefore` (their process died
 * between the reservation and the answer), are replaced. Returns null when reserved, else the row.
 */
export async function reserveRequestKey(
  tx: Tx,
  userId: number,
  key: string,
  requestHash: string,
  at: number,
  limits: { expiredBefore: number; abandonedBefore: number },
): Promise<RequestKeyRow | null> {
  const q = sqlOf(tx);
  await q.run(
    `DELETE FROM request_keys WHERE user_id = ? AND key = ?
       AND (created_at < ? OR (status IS NULL AND created_at < ?))`,
    [userId, key, limits.expiredBefore, limits.abandonedBefore],
  );
  // On PostgreSQL a parallel reservation of the same key (another process, another connection) is not
  // kept out by a database-wide write lock: the insert waits for it and then yields, and its row is read.
  // A row that was given back meanwhile leaves nothing to read, so the insert is tried again.
  for (;;) {
    const held = await q.get<RequestKeyRow>(SELECT_KEY, [userId, key]);
    if (held) return held;
    const inserted = await q.run('INSERT INTO request_keys (user_id, key, request_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING', [userId, key, requestHash, at]);
    if (inserted.changes === 1) return null;
  }
}

/** Keeps the answer of a reserved key, to give its repeats. */
export async function storeRequestAnswer(tx: Tx, userId: number, key: string, answer: { status: number; contentType: string | null; body: string }): Promise<void> {
  await sqlOf(tx).run('UPDATE request_keys SET status = ?, content_type = ?, body = ? WHERE user_id = ? AND key = ? AND status IS NULL', [
    answer.status,
    answer.contentType,
    answer.body,
    userId,
    key,
  ]);
}

/** Gives a reserved key back (the request failed and changed nothing), so a corrected request may use it. */
export async function releaseRequestKey(tx: Tx, userId: number, key: string): Promise<void> {
  await sqlOf(tx).run('DELETE FROM request_keys WHERE user_id = ? AND key = ? AND status IS NULL', [userId, key]);
}

/** Deletes keys created before `before`; returns how many. */
export async function purgeRequestKeys(tx: Tx, before: number): Promise<number> {
  return (await sqlOf(tx).run('DELETE FROM request_keys WHERE created_at < ?', [before])).changes;
}
