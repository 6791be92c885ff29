import { listObjectionsPage } from '../../../db/awards/objections';
import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { villageIdsInScope } from '../../lib/scope';
import type { ListObjectionsQuery } from './schemas';

/** The reviewers' queue of objections raised during public notice. */
export async function listObjections(ctx: Ctx, query: ListObjectionsQuery) {
  const db = readDb(ctx.db);
  const villageIds = await villageIdsInScope(db, ctx.actor);
  if (!villageIds.length) return { items: [], total: 0 };
  return listObjectionsPage(db, { villageIds, status: query.status, limit: query.limit, offset: query.offset });
}
