import { addArea, areaById, groupsOfVillageByName, renameArea } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, NotFound } from '../../lib/errors';
import { getAreaInScope, getVillageInScope } from '../../lib/scope';

/**
 * 村民小组: a village's cadre (and anyone above it) makes and renames the groups of villages in its area,
 * so a village created in the console can register its households by group without waiting for the county.
 * Names are unique within a village; both writes are audited.
 */
export async function createGroup(ctx: Ctx, villageId: number, name: string) {
  // A village's place never changes: scope is checked before the transaction, the name inside it.
  const village = await getVillageInScope(readDb(ctx.db), ctx.actor, villageId);
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, village.id);
    if ((await groupsOfVillageByName(tx, village.id)).some((g) => g.name === name)) throw new Conflict('conflict', `本村已有「${name}」`);
    const area = await addArea(tx, { name, kind: 'group', parentId: village.id, createdAt: ctx.now.getTime() });
    await writeAudit(tx, ctx, { entity: 'area', entityId: area.id, action: 'area.create', areaId: village.id, after: { id: area.id, name, kind: 'group', parentId: village.id } });
    return { id: area.id, name: area.name, kind: 'group' as const, parentId: village.id, path: area.path };
  });
}

export async function renameGroup(ctx: Ctx, groupId: number, name: string) {
  const group = await getAreaInScope(readDb(ctx.db), ctx.actor, groupId);
  if (group.kind !== 'group' || group.parentId === null) throw new NotFound('村民小组不存在');
  const villageId = group.parentId;
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, villageId);
    const before = (await areaById(tx, groupId))!;
    if ((await groupsOfVillageByName(tx, villageId)).some((g) => g.name === name && g.id !== groupId)) throw new Conflict('conflict', `本村已有「${name}」`);
    await renameArea(tx, groupId, name);
    await writeAudit(tx, ctx, { entity: 'area', entityId: groupId, action: 'area.rename', areaId: villageId, before: { name: before.name }, after: { name } });
    return { id: groupId, name, kind: 'group' as const, parentId: villageId, path: group.path };
  });
}
