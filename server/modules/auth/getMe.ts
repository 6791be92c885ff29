import { readDb } from '../../../db/client';
import { userById } from '../../../db/users/users';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { publicUser } from './publicUser';

export async function getMe(ctx: Ctx) {
  const user = await userById(readDb(ctx.db), ctx.actor.userId);
  if (!user) throw new NotFound();
  return { user: { ...publicUser(user), areaName: user.areaName, areaKind: user.areaKind } };
}
