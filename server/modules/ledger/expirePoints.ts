import { eq } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import { expirableByHousehold } from '../../../db/expiry';
import { appendLedgerEntry } from '../../../db/ledger';
import { shanghaiDay } from '../../../db/time';
import { writeAudit, type AuditCtx } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { resolveSettings } from '../areas/resolveSettings';
import { expiryCutoff } from './expiryPlan';

/**
 * Writes expiry entries for points past their area's expiry rule (year-end clearing or N months).
 * Idempotent: a second run finds nothing left to expire. One transaction per village.
 */
export async function expirePoints(ctx: PublicCtx, opts: { areaPath?: string; actor?: AuditCtx['actor'] } = {}) {
  const { areaPath, actor = null } = opts;
  const at = ctx.now.getTime();
  const villages = ctx.db
    .select({ id: areas.id, path: areas.path })
    .from(areas)
    .where(eq(areas.kind, 'village'))
    .all()
    .filter((v) => !areaPath || v.path.startsWith(areaPath));
  let households = 0;
  let points = 0;
  for (const v of villages) {
    const settings = await resolveSettings(ctx.db, v.path);
    const cutoff = expiryCutoff(settings, at);
    if (cutoff === null) continue;
    const note = settings.expiryMode === 'year_end' ? '年度清零' : `超过 ${settings.expiryMonths} 个月未使用的积分到期`;
    ctx.db.transaction((tx) => {
      // Recomputed inside the transaction so a concurrent redemption cannot be expired twice over.
      const due = expirableByHousehold(ctx.db, v.id, cutoff);
      if (!due.length) return;
      for (const d of due) {
        appendLedgerEntry(ctx.db, { householdId: d.householdId, villageId: v.id, kind: 'expiry', points: -d.points, conductPoints: 0, occurredOn: shanghaiDay(at), note, createdAt: at });
      }
      const total = due.reduce((s, d) => s + d.points, 0);
      writeAudit(tx, { now: ctx.now, device: ctx.device, actor }, { entity: 'area', entityId: v.id, action: 'ledger_entry.expire', areaId: v.id, after: { households: due.length, points: total, cutoff, mode: settings.expiryMode } });
      households += due.length;
      points += total;
    });
  }
  return { households, points };
}
