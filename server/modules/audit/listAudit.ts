import { listAuditRows } from '../../../db/audit/auditLog';
import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { seesPersonalData } from '../households/present';
import { maskPersonal } from './maskPersonal';
import type { ListAuditQuery } from './schemas';

/** Audit rows about areas at or below the actor's area; phone and ID numbers masked unless the reader may see them in full on the household itself. */
export async function listAudit(ctx: Ctx, query: ListAuditQuery) {
  const { items, total } = await listAuditRows(readDb(ctx.db), {
    areaPath: ctx.actor.areaPath,
    withUnplaced: ctx.actor.role === 'county_admin',
    entity: query.entity,
    entityId: query.entityId,
    action: query.action,
    actorId: query.actorId,
    limit: query.limit,
    offset: query.offset,
  });
  return {
    items: items.map((r) => {
      // The household routes decide who sees personal data; the audit log shows no more than they do.
      const full = seesPersonalData(ctx.actor, r.entity === 'household' ? Number(r.entityId) : -1);
      const show = (json: string | null) => {
        if (!json) return null;
        const value = JSON.parse(json) as unknown;
        return full ? value : maskPersonal(value);
      };
      return { ...r, before: show(r.before), after: show(r.after) };
    }),
    total,
  };
}
