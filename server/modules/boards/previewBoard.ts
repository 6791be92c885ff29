import type { Ctx } from '../../lib/context';
import { getAreaInScopeSync } from '../../lib/scope';
import { loadArea } from './boardArea';
import { computeBoard } from './computeBoard';
import type { BoardKind, BoardQuery } from './schemas';
import { specOf } from './specOf';

/** A board computed now for staff to check before proposing it; nothing is stored. */
export function previewBoard(ctx: Ctx, kind: BoardKind, areaId: number, query: BoardQuery) {
  getAreaInScopeSync(ctx, areaId);
  const spec = specOf(kind, areaId, query);
  const { board, hash } = computeBoard(ctx.db, spec, loadArea(ctx.db, areaId));
  return { board, hash, publication: null };
}
