import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { readDb, type Db } from '../client';
import { requestKeys } from '../schema';
import type { Tx } from '../transaction';

export interface RequestKeyRow {
  requestHash: string;
  status: number | null;
  contentType: string | null;
  body: string | null;
  createdAt: number;
}

const columns = {
  requestHash: requestKeys.requestHash,
  status: requestKeys.status,
  contentType: requestKeys.contentType,
  body: requestKeys.body,
  createdAt: requestKeys.createdAt,
};

const byKey = (userId: number, key: string) => and(eq(requestKeys.userId, userId), eq(requestKeys.key, key));

/** A user's reservation of a key, as committed (read connection). */
export async function findRequestKey(db: Db, userId: number, key: string): Promise<RequestKeyRow | undefined> {
  return readDb(db).select(columns).from(requestKeys).where(byKey(userId, key)).get();
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
  tx
    .delete(requestKeys)
    .where(
      and(
        byKey(userId, key),
        or(lt(requestKeys.createdAt, limits.expiredBefore), and(isNull(requestKeys.status), lt(requestKeys.createdAt, limits.abandonedBefore))),
      ),
    )
    .run();
  const held = tx.select(columns).from(requestKeys).where(byKey(userId, key)).get();
  if (held) return held;
  tx.insert(requestKeys).values({ userId, key, requestHash, createdAt: at }).run();
  return null;
}

/** Keeps the answer of a reserved key, to give its repeats. */
export async function storeRequestAnswer(tx: Tx, userId: number, key: string, answer: { status: number; contentType: string | null; body: string }): Promise<void> {
  tx
    .update(requestKeys)
    .set({ status: answer.status, contentType: answer.contentType, body: answer.body })
    .where(and(byKey(userId, key), isNull(requestKeys.status)))
    .run();
}

/** Gives a reserved key back (the request failed and changed nothing), so a corrected request may use it. */
export async function releaseRequestKey(tx: Tx, userId: number, key: string): Promise<void> {
  tx
    .delete(requestKeys)
    .where(and(byKey(userId, key), isNull(requestKeys.status)))
    .run();
}

/** Deletes keys created before `before`; returns how many. */
export async function purgeRequestKeys(tx: Tx, before: number): Promise<number> {
  return tx.delete(requestKeys).where(lt(requestKeys.createdAt, before)).run().changes;
}
