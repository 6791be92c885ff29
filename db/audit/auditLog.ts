import type Database from 'better-sqlite3';
import type { Db, SqliteDb } from '../client';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

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

const INSERT_AUDIT = `INSERT INTO audit_log (actor_id, actor_role, area_id, entity, entity_id, action, before, after, ip, user_agent, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const auditParams = (r: AuditRow): SqlParam[] => [r.actorId, r.actorRole, r.areaId, r.entity, r.entityId, r.action, r.before, r.after, r.ip, r.userAgent, r.createdAt];

/** One audit row, inside the change's transaction (the statement is cached per connection). */
export async function addAuditRow(tx: Tx, r: AuditRow): Promise<void> {
  await sqlOf(tx).run(INSERT_AUDIT, auditParams(r));
}

// Rows per multi-row audit INSERT: 11 parameters each.
const AUDIT_ROWS_PER_INSERT = 200;

/** Many audit rows, inside the change's transaction, in a few multi-row INSERTs (in the order given). */
export async function addAuditRows(tx: Tx, rows: readonly AuditRow[]): Promise<void> {
  const q = sqlOf(tx);
  const [head] = INSERT_AUDIT.split('VALUES');
  for (let i = 0; i < rows.length; i += AUDIT_ROWS_PER_INSERT) {
    const part = rows.slice(i, i + AUDIT_ROWS_PER_INSERT);
    await q.run(`${head}VALUES ${Array<string>(part.length).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, part.flatMap(auditParams));
  }
}

const cache = new WeakMap<Database.Database, Database.Statement<unknown[]>>();

/** Synchronous twin of `addAuditRow` for test fixtures (SQLite only); the app writes through `addAuditRow`. */
export function insertAuditRow(db: SqliteDb, r: AuditRow): void {
  let insert = cache.get(db.$client);
  if (!insert) {
    insert = db.$client.prepare(INSERT_AUDIT);
    cache.set(db.$client, insert);
  }
  insert.run(...auditParams(r));
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
  const inArea = 'l.area_id IN (SELECT id FROM areas WHERE path LIKE ?)';
  const conditions = [f.withUnplaced ? `(${inArea} OR l.area_id IS NULL)` : inArea];
  const params: SqlParam[] = [`${f.areaPath}%`];
  const also = (condition: string, value: SqlParam) => {
    conditions.push(condition);
    params.push(value);
  };
  // Empty filters match everything, as they always have (an empty string or id 0 is no filter).
  if (f.entity) also('l.entity = ?', f.entity);
  if (f.entityId) also('l.entity_id = ?', f.entityId);
  if (f.action) also('l.action = ?', f.action);
  if (f.actorId) also('l.actor_id = ?', f.actorId);
  const where = conditions.join(' AND ');
  const q = sqlOf(db);
  const items = await q.all<AuditListRow>(
    `SELECT l.id AS "id", l.actor_id AS "actorId", u.username AS "actorName", u.display_name AS "actorDisplayName",
            l.actor_role AS "actorRole", l.area_id AS "areaId", l.entity AS "entity", l.entity_id AS "entityId",
            l.action AS "action", l.before AS "before", l.after AS "after", l.ip AS "ip", l.user_agent AS "userAgent",
            l.created_at AS "createdAt"
       FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
      WHERE ${where}
      ORDER BY l.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM audit_log l WHERE ${where}`, params))?.n ?? 0;
  return { items, total };
}
