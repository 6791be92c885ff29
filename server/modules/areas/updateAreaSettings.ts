import { eq } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getAreaInScopeSync } from '../../lib/scope';
import { resolveSettings } from './resolveSettings';
import type { AreaSettingsBody } from './schemas';

/** Sets (or with null, clears back to inherited) settings on an area. */
export function updateAreaSettings(ctx: Ctx, areaId: number, body: AreaSettingsBody) {
  const before = getAreaInScopeSync(ctx, areaId);
  const patch: Partial<typeof areas.$inferInsert> = {};
  if (body.noticeDays !== undefined) patch.noticeDays = body.noticeDays;
  if (body.maskMode !== undefined) patch.maskMode = body.maskMode;
  if (body.expiryMode !== undefined) patch.expiryMode = body.expiryMode;
  if (body.expiryMonths !== undefined) patch.expiryMonths = body.expiryMonths;
  if (body.starThresholds !== undefined) patch.starThresholds = body.starThresholds ? JSON.stringify(body.starThresholds) : null;
  ctx.db.transaction((tx) => {
    tx.update(areas).set(patch).where(eq(areas.id, areaId)).run();
    writeAudit(tx, ctx, { entity: 'area', entityId: areaId, action: 'area.settings', areaId, before, after: patch });
  });
  return { areaId, ...resolveSettings(ctx.db, before.path), own: patch };
}

export function getAreaSettings(ctx: Ctx, areaId: number) {
  const area = getAreaInScopeSync(ctx, areaId);
  return { areaId, ...resolveSettings(ctx.db, area.path) };
}
