import { readDb, type Db } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { getAreaInScope } from '../../lib/scope';
import { loadArea } from './boardArea';
import { computeBoard } from './computeBoard';
import type { BoardKind, BoardQuery } from './schemas';
import { specOf } from './specOf';

/** A board computed now for staff to check before proposing it; nothing is stored. An export passes the replica as `db`. */
export async function previewBoard(ctx: Ctx, kind: BoardKind, areaId: number, query: BoardQuery, db: Db = readDb(ctx.db)) {
  await getAreaInScope(db, ctx.actor, areaId);
  const spec = specOf(kind, areaId, query);
  const { board, hash } = await computeBoard(db, spec, await loadArea(db, areaId));
  return { board, hash, publication: null };
}
