import type { Ctx } from '../../lib/context';
import { managedRoles, roleAreaKinds } from './policy';

/** What the account screen may offer this actor: the roles it may create and the kinds of area each binds to. */
export async function creatableRoles(ctx: Ctx) {
  return { items: managedRoles[ctx.actor.role].map((role) => ({ role, areaKinds: [...roleAreaKinds[role]] })) };
}
