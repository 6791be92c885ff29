import { areaById, setAreaSettings, type AreaOwnSettings } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getAreaInScope } from '../../lib/scope';
import { resolveSettings } from './resolveSettings';
import type { AreaSettingsBody } from './schemas';

/** Sets (or with null, clears back to inherited) settings on an area. */
export async function updateAreaSettings(ctx: Ctx, areaId: number, body: AreaSettingsBody) {
  // Where an area lies never changes: scope is checked before the transaction, the audited row inside.
  const { path } = await getAreaInScope(readDb(ctx.db), ctx.actor, areaId);
  const patch: AreaOwnSettings = {};
  if (body.noticeDays !== undefined) patch.noticeDays = body.noticeDays;
  if (body.maskMode !== undefined) patch.maskMode = body.maskMode;
  if (body.expiryMode !== undefined) patch.expiryMode = body.expiryMode;
  if (body.expiryMonths !== undefined) patch.expiryMonths = body.expiryMonths;
  if (body.pointValueFen !== undefined) patch.pointValueFen = body.pointValueFen;
  if (body.starThresholds !== undefined) patch.starThresholds = body.starThresholds ? JSON.stringify(body.starThresholds) : null;
  return transaction(ctx.db, async (tx) => {
    const before = await areaById(tx, areaId);
    await setAreaSettings(tx, areaId, patch);
    await writeAudit(tx, ctx, { entity: 'area', entityId: areaId, action: 'area.settings', areaId, before, after: patch });
    return { areaId, ...(await resolveSettings(tx, path)), own: patch };
  });
}

export async function getAreaSettings(ctx: Ctx, areaId: number) {
  const db = readDb(ctx.db);
  const area = await getAreaInScope(db, ctx.actor, areaId);
  return { areaId, ...(await resolveSettings(db, area.path)) };
}
