import type Database from 'better-sqlite3';
import type { Db } from './client';

export interface AuditRow {
  actorId: number | null;
  actorRole: string | null;
  areaId: number | null;
  entity: string;
  entityId: string;
  action: string;
  before: string | null;
  after: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
}

const cache = new WeakMap<Database.Database, Database.Statement<unknown[]>>();

/** One audit row through a cached prepared statement, for hot paths; call inside the change's transaction. */
export function insertAuditRow(db: Db, r: AuditRow): void {
  let insert = cache.get(db.$client);
  if (!insert) {
    insert = db.$client.prepare(
      `INSERT INTO audit_log (actor_id, actor_role, area_id, entity, entity_id, action, before, after, ip, user_agent, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    cache.set(db.$client, insert);
  }
  insert.run(r.actorId, r.actorRole, r.areaId, r.entity, r.entityId, r.action, r.before, r.after, r.ip, r.userAgent, r.createdAt);
}
