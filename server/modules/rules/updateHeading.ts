import { readDb } from '../../../db/client';
import { areaById } from '../../../db/areas';
import { headingById, headingsOfAreas, lockHeadingNames, reviseHeading } from '../../../db/rules';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { ancestry } from './headings';
import type { UpdateHeadingBody } from './schemas';

/**
 * Renames, reorders or re-flags a heading of an area the actor manages. The stored code never changes,
 * so rules and ledger rows under it keep their category and show the new name. Template headings and
 * those of areas above the actor answer 404 like one that does not exist.
 */
export async function updateHeading(ctx: Ctx, id: number, body: UpdateHeadingBody) {
  const db = readDb(ctx.db);
  const found = await headingById(db, id);
  const area = found?.areaId ? await areaById(db, found.areaId) : undefined;
  if (!found || !area || !pathWithin(ctx.actor, area.path)) throw new NotFound('类别不存在');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    const before = (await headingById(tx, id))!;
    if (body.name !== undefined && body.name !== before.name) {
      await lockHeadingNames(tx, ancestry(area.path)[0]);
      const inForce = await headingsOfAreas(tx, ancestry(area.path));
      if (inForce.some((h) => h.id !== id && h.name === body.name)) throw new Conflict('duplicate_heading', `类别“${body.name}”已存在`);
    }
    const after = await reviseHeading(tx, id, body, at);
    await writeAudit(tx, ctx, { entity: 'rule_heading', entityId: id, action: 'rule_heading.update', areaId: area.id, before, after });
    return { ...after, inherited: false };
  });
}
