import type Database from 'better-sqlite3';
import type { Db } from './client';
import type { Role } from './schema/users';
import type { Tx } from './transaction';

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
  active: number;
  areaPath: string;
  areaKind: 'county' | 'township' | 'village' | 'group';
}

interface Statements {
  find: Database.Statement<[string], SessionActorRow>;
  touch: Database.Statement<[number, string, number]>;
}
const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      find: client.prepare(
        `SELECT s.id_hash AS idHash, s.user_id AS userId, s.expires_at AS expiresAt, s.last_seen_at AS lastSeenAt,
                s.revoked_at AS revokedAt, u.username, u.role, u.area_id AS areaId, u.household_id AS householdId,
                u.active, a.path AS areaPath, a.kind AS areaKind
           FROM sessions s JOIN users u ON u.id = s.user_id JOIN areas a ON a.id = u.area_id
          WHERE s.id_hash = ?`,
      ),
      touch: client.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?'),
    };
    cache.set(client, s);
  }
  return s;
}

/** Looked up on every authenticated request, so it is one prepared join. */
export async function findSessionActor(db: Db, idHash: string): Promise<SessionActorRow | undefined> {
  return statements(db.$client).find.get(idHash);
}

/** Moves the session's last-seen time forward (never back: of two requests racing, the later time stays). */
export async function touchSession(tx: Tx, idHash: string, at: number): Promise<void> {
  statements(tx.$client).touch.run(at, idHash, at);
}
