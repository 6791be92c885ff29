import { auditLog } from '../../db/schema';
import { insertAuditRow, type AuditRow } from '../../db/audit';
import type { Db, Tx } from '../../db/client';
import type { Ctx } from './context';

export interface AuditEntry {
  entity: string;
  entityId: number | string;
  /** `{entity}.{verb}`, e.g. `award.approve`. */
  action: string;
  areaId?: number | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit row; call it inside the same transaction as the change it records. */
export type AuditCtx = Pick<Ctx, 'now' | 'device'> & { actor: Pick<Ctx['actor'], 'userId' | 'role' | 'areaId'> | null };

function auditRow(ctx: AuditCtx, entry: AuditEntry): AuditRow {
  return {
    actorId: ctx.actor?.userId ?? null,
    actorRole: ctx.actor?.role ?? null,
    areaId: entry.areaId ?? ctx.actor?.areaId ?? null,
    entity: entry.entity,
    entityId: String(entry.entityId),
    action: entry.action,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    ip: ctx.device.ip,
    userAgent: ctx.device.userAgent?.slice(0, 300) ?? null,
    createdAt: ctx.now.getTime(),
  };
}

export function writeAudit(tx: Tx, ctx: AuditCtx, entry: AuditEntry): void {
  tx.insert(auditLog).values(auditRow(ctx, entry)).run();
}

/** The same row through a cached prepared statement, for hot paths running inside `inTransaction`. */
export function writeAuditFast(db: Db, ctx: AuditCtx, entry: AuditEntry): void {
  insertAuditRow(db, auditRow(ctx, entry));
}
