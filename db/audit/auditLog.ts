import { and, count, desc, eq, inArray, isNull, like, or } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { areas, auditLog, users } from '../schema';

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

export interface AuditFilter {
  /** Rows about areas at or below this materialised path. */
  areaPath: string;
  /** Also rows about no area at all (installation-wide events), for the county administrator. */
  withUnplaced: boolean;
  entity?: string;
  entityId?: string;
  action?: string;
  actorId?: number;
  limit: number;
  offset: number;
}

export interface AuditListRow {
  id: number;
  actorId: number | null;
  actorName: string | null;
  /** The person's name as shown to people (the username is only a login). */
  actorDisplayName: string | null;
  actorRole: string | null;
  areaId: number | null;
  entity: string;
  entityId: string;
  action: string;
  /** JSON text as written. */
  before: string | null;
  after: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
}

/** Audit rows, newest first, with the acting user's name, and how many match in all. */
export async function listAuditRows(db: Db, f: AuditFilter): Promise<{ items: AuditListRow[]; total: number }> {
  const inArea = inArray(auditLog.areaId, db.select({ id: areas.id }).from(areas).where(like(areas.path, `${f.areaPath}%`)));
  const where = and(
    f.withUnplaced ? or(inArea, isNull(auditLog.areaId)) : inArea,
    f.entity ? eq(auditLog.entity, f.entity) : undefined,
    f.entityId ? eq(auditLog.entityId, f.entityId) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
  );
  const items = db
    .select({
      id: auditLog.id,
      actorId: auditLog.actorId,
      actorName: users.username,
      actorDisplayName: users.displayName,
      actorRole: auditLog.actorRole,
      areaId: auditLog.areaId,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
      ip: auditLog.ip,
      userAgent: auditLog.userAgent,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
  return { items, total };
}
