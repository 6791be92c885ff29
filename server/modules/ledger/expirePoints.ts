import { areasUnder } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { lockVillageChain, postLedgerEntry } from '../../../db/ledger';
import { expirableByHousehold } from '../../../db/ledger/expiry';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit, type AuditCtx } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { resolveSettings } from '../areas/resolveSettings';
import { expiryCutoff } from './expiryPlan';

/**
 * Writes expiry entries for points past their area's expiry rule (year-end clearing or N months).
 * Scheduled work: audited as the system unless an administrator asked for the run (`actor`).
 * One transaction per village, which locks the village's chain before it reads a balance, so a
 * redemption or a second run (another process, the next tick) cannot interleave: running it twice
 * expires nothing more.
 */
export async function expirePoints(ctx: PublicCtx, opts: { areaPath?: string; actor?: AuditCtx['actor'] } = {}) {
  const { areaPath = '/', actor = null } = opts;
  const at = ctx.now.getTime();
  const villages = (await areasUnder(readDb(ctx.db), areaPath)).filter((a) => a.kind === 'village');
  let households = 0;
  let points = 0;
  for (const v of villages) {
    const counted = await transaction(ctx.db, async (tx) => {
      await lockVillageChain(tx, v.id);
      // The rule is read inside too: a settings change committed meanwhile is the one in force.
      const settings = await resolveSettings(tx, v.path);
      const cutoff = expiryCutoff(settings, at);
      if (cutoff === null) return null;
      const due = await expirableByHousehold(tx, v.id, cutoff);
      if (!due.length) return null;
      const note = settings.expiryMode === 'year_end' ? '年度清零' : `超过 ${settings.expiryMonths} 个月未使用的积分到期`;
      for (const d of due) {
        await postLedgerEntry(tx, { householdId: d.householdId, villageId: v.id, kind: 'expiry', points: -d.points, conductPoints: 0, occurredOn: shanghaiDay(at), note, createdAt: at });
      }
      const total = due.reduce((s, d) => s + d.points, 0);
      await writeAudit(tx, { now: ctx.now, device: ctx.device, actor }, { entity: 'area', entityId: v.id, action: 'ledger_entry.expire', areaId: v.id, after: { households: due.length, points: total, cutoff, mode: settings.expiryMode } });
      return { households: due.length, points: total };
    });
    if (counted) {
      households += counted.households;
      points += counted.points;
    }
  }
  return { households, points };
}
