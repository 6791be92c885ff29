import { addArea } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import type { CreateAreaBody } from './schemas';

const parentKind = { township: 'county', village: 'township', group: 'village' } as const;

export async function createArea(ctx: Ctx, body: CreateAreaBody) {
  // An area's kind and place never change, so the parent is checked before the transaction.
  const parent = await getAreaInScope(readDb(ctx.db), ctx.actor, body.parentId);
  if (parent.kind !== parentKind[body.kind]) {
    throw new Invalid(`${body.kind} 的上级必须是 ${parentKind[body.kind]}`, undefined, 'invalid_parent');
  }
  return transaction(ctx.db, async (tx) => {
    const area = await addArea(tx, { name: body.name, kind: body.kind, parentId: parent.id, createdAt: ctx.now.getTime() });
    await writeAudit(tx, ctx, { entity: 'area', entityId: area.id, action: 'area.create', areaId: area.id, after: area });
    return { id: area.id, name: area.name, kind: area.kind, parentId: area.parentId, path: area.path };
  });
}
