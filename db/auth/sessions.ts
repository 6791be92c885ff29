import { and, eq, isNull, ne } from 'drizzle-orm';
import { sessions } from '../schema';
import type { Tx } from '../transaction';

export interface NewSession {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  idHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export async function insertSession(tx: Tx, s: NewSession): Promise<void> {
  tx.insert(sessions)
    .values({ ...s, lastSeenAt: s.createdAt })
    .run();
}

export async function revokeSession(tx: Tx, idHash: string, at: number): Promise<void> {
  tx.update(sessions).set({ revokedAt: at }).where(eq(sessions.idHash, idHash)).run();
}

/** Ends the user's open sessions, all of them or all but `except` (an id hash); returns how many ended. */
export async function revokeUserSessions(tx: Tx, userId: number, at: number, except?: string): Promise<number> {
  return tx
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), except === undefined ? undefined : ne(sessions.idHash, except)))
    .run().changes;
}
