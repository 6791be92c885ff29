import { sqlOf, type SqlParam } from '../sql';
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
  await sqlOf(tx).run(
    'INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [s.idHash, s.userId, s.createdAt, s.expiresAt, s.createdAt, s.ip, s.userAgent],
  );
}

export async function revokeSession(tx: Tx, idHash: string, at: number): Promise<void> {
  await sqlOf(tx).run('UPDATE sessions SET revoked_at = ? WHERE id_hash = ?', [at, idHash]);
}

/** Ends the user's open sessions, all of them or all but `except` (an id hash); returns how many ended. */
export async function revokeUserSessions(tx: Tx, userId: number, at: number, except?: string): Promise<number> {
  const params: SqlParam[] = [at, userId];
  let text = 'UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL';
  if (except !== undefined) {
    text += ' AND id_hash <> ?';
    params.push(except);
  }
  return (await sqlOf(tx).run(text, params)).changes;
}
