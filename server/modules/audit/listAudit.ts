import { and, count, desc, eq, inArray, or, isNull } from 'drizzle-orm';
import { areas, auditLog, users } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { seesPersonalData } from '../households/present';
import { maskPersonal } from './maskPersonal';
import type { ListAuditQuery } from './schemas';

/** Audit rows about areas at or below the actor's area; phone and ID numbers masked unless the reader may see them in full on the household itself. */
export function listAudit(ctx: Ctx, query: ListAuditQuery) {
  const areaIds = ctx.db
    .select({ id: areas.id, path: areas.path })
    .from(areas)
    .all()
    .filter((a) => a.path.startsWith(ctx.actor.areaPath))
    .map((a) => a.id);
  const where = and(
    ctx.actor.role === 'county_admin' ? or(inArray(auditLog.areaId, areaIds), isNull(auditLog.areaId)) : inArray(auditLog.areaId, areaIds),
    query.entity ? eq(auditLog.entity, query.entity) : undefined,
    query.entityId ? eq(auditLog.entityId, query.entityId) : undefined,
    query.action ? eq(auditLog.action, query.action) : undefined,
    query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
  );
  const items = ctx.db
    .select({
      id: auditLog.id,
      actorId: auditLog.actorId,
      actorName: users.username,
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
    .limit(query.limit)
    .offset(query.offset)
    .all()
    .map((r) => {
      // The household routes decide who sees personal data; the audit log shows no more than they do.
      const full = seesPersonalData(ctx.actor, r.entity === 'household' ? Number(r.entityId) : -1);
      const show = (json: string | null) => {
        if (!json) return null;
        const value = JSON.parse(json) as unknown;
        return full ? value : maskPersonal(value);
      };
      return { ...r, before: show(r.before), after: show(r.after) };
    });
  const total = ctx.db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
  return { items, total };
}
