import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import { checkpointView } from './checkpointView';
import { makeCheckpoint } from './makeCheckpoint';
import type { CreateCheckpointBody } from './schemas';

/** A county admin asks for a checkpoint of their county now (reason 'manual'), e.g. before a public meeting. */
export async function createCheckpoint(ctx: Ctx, body: CreateCheckpointBody) {
  const area = await getAreaInScope(readDb(ctx.db), ctx.actor, body.countyId);
  if (area.kind !== 'county') throw new Unprocessable('wrong_area_kind', '检查点按县生成：请选择县');
  return checkpointView(await makeCheckpoint(ctx, area.id, 'manual'));
}
