import { readDb } from '../../../db/client';
import { addHeading, headingsOfAreas, lockHeadingNames } from '../../../db/rules';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import { ancestry } from './headings';
import type { CreateHeadingBody } from './schemas';

/** A heading of the area's own catalogue; inherited by the areas below it. */
export async function createHeading(ctx: Ctx, areaId: number, body: CreateHeadingBody) {
  const area = await getAreaInScope(readDb(ctx.db), ctx.actor, areaId);
  if (area.kind === 'group') throw new Invalid('类别只能建在县、乡镇或村', undefined, 'invalid_area');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    await lockHeadingNames(tx, ancestry(area.path)[0]);
    const inForce = await headingsOfAreas(tx, ancestry(area.path));
    if (inForce.some((h) => h.name === body.name)) throw new Conflict('duplicate_heading', `类别“${body.name}”已存在`);
    const sortOrder = body.sortOrder ?? Math.max(0, ...inForce.map((h) => h.sortOrder)) + 10;
    const heading = await addHeading(tx, { areaId: area.id, name: body.name, sortOrder, starDimension: body.starDimension ?? null, blackList: body.blackList }, at);
    await writeAudit(tx, ctx, { entity: 'rule_heading', entityId: heading.id, action: 'rule_heading.create', areaId: area.id, after: heading });
    return { ...heading, inherited: false };
  });
}
