import { insertArea } from '../../../db/areas';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { getAreaInScopeSync } from '../../lib/scope';
import type { CreateAreaBody } from './schemas';

const parentKind = { township: 'county', village: 'township', group: 'village' } as const;

export function createArea(ctx: Ctx, body: CreateAreaBody) {
  const parent = getAreaInScopeSync(ctx, body.parentId);
  if (parent.kind !== parentKind[body.kind]) {
    throw new Invalid(`${body.kind} 的上级必须是 ${parentKind[body.kind]}`, undefined, 'invalid_parent');
  }
  return ctx.db.transaction((tx) => {
    const area = insertArea(tx, { name: body.name, kind: body.kind, parentId: parent.id, createdAt: ctx.now.getTime() });
    writeAudit(tx, ctx, { entity: 'area', entityId: area.id, action: 'area.create', areaId: area.id, after: area });
    return { id: area.id, name: area.name, kind: area.kind, parentId: area.parentId, path: area.path };
  });
}
