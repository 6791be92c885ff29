import type { Db } from './client';
import { sqlOf } from './sql';
import type { Tx } from './transaction';
import type { Role } from './users/users';

export interface SessionActorRow {
  idHash: string;
  userId: number;
  expiresAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
  username: string;
  role: Role;
  areaId: number;
  householdId: number | null;
  active: boolean;
  areaPath: string;
  areaKind: 'county' | 'township' | 'village' | 'group';
}

/** Looked up on every authenticated request, so it is one join (its statement is cached per connection). */
export async function findSessionActor(db: Db, idHash: string): Promise<SessionActorRow | undefined> {
  const row = await sqlOf(db).get<SessionActorRow>(
    `SELECT s.id_hash AS "idHash", s.user_id AS "userId", s.expires_at AS "expiresAt", s.last_seen_at AS "lastSeenAt",
            s.revoked_at AS "revokedAt", u.username AS "username", u.role AS "role", u.area_id AS "areaId",
            u.household_id AS "householdId", u.active AS "active", a.path AS "areaPath", a.kind AS "areaKind"
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN areas a ON a.id = u.area_id
      WHERE s.id_hash = ?`,
    [idHash],
  );
  return row && { ...row, active: Boolean(row.active) };
}

/** Moves the session's last-seen time forward (never back: of two requests racing, the later time stays). */
export async function touchSession(tx: Tx, idHash: string, at: number): Promise<void> {
  await sqlOf(tx).run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?', [at, idHash, at]);
}
