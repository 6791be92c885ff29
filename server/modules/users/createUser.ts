import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, Invalid } from '../../lib/errors';
import { hashPassword } from '../../lib/password';
import { getAreaInScopeSync, getHouseholdInScopeSync } from '../../lib/scope';
import { mayManage, roleAreaKinds } from './policy';
import type { CreateUserBody } from './schemas';

export async function createUser(ctx: Ctx, body: CreateUserBody) {
  const area = getAreaInScopeSync(ctx, body.areaId);
  if (!mayManage(ctx.actor, { role: body.role, areaPath: area.path })) throw new Forbidden('不能创建该角色的账号', 'role_not_allowed');
  if (!roleAreaKinds[body.role].includes(area.kind)) throw new Invalid('账号所属区域与角色不匹配', undefined, 'invalid_area');
  if (body.role === 'household') {
    if (!body.householdId) throw new Invalid('农户账号必须指定 householdId');
    const household = getHouseholdInScopeSync(ctx, body.householdId);
    if (household.villageId !== area.id) throw new Invalid('农户不属于该村', undefined, 'invalid_area');
  } else if (body.householdId) {
    throw new Invalid('只有农户账号可以绑定农户');
  }
  if (ctx.db.select({ id: users.id }).from(users).where(eq(users.username, body.username)).get()) {
    throw new Conflict('username_taken', '用户名已被使用');
  }
  const passwordHash = await hashPassword(body.password, ctx.config.scryptN);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    // Re-checked inside the transaction: the hash above yields the event loop.
    if (tx.select({ id: users.id }).from(users).where(eq(users.username, body.username)).get()) {
      throw new Conflict('username_taken', '用户名已被使用');
    }
    const user = tx
      .insert(users)
      .values({
        username: body.username,
        displayName: body.displayName ?? null,
        passwordHash,
        role: body.role,
        areaId: area.id,
        householdId: body.householdId ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .returning()
      .get();
    const result = { id: user.id, username: user.username, displayName: user.displayName, role: user.role, areaId: user.areaId, householdId: user.householdId, active: user.active };
    writeAudit(tx, ctx, { entity: 'user', entityId: user.id, action: 'user.create', areaId: area.id, after: result });
    return result;
  });
}
