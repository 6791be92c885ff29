import { readDb } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { insertUser, lockUsername, usernameTaken } from '../../../db/users/users';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, Invalid } from '../../lib/errors';
import { hashPassword } from '../../lib/password';
import { getAreaInScope, getHouseholdInScope } from '../../lib/scope';
import { mayManage, roleAreaKinds } from './policy';
import type { CreateUserBody } from './schemas';

const taken = () => new Conflict('username_taken', '用户名已被使用');

export async function createUser(ctx: Ctx, body: CreateUserBody) {
  const db = readDb(ctx.db);
  const area = await getAreaInScope(db, ctx.actor, body.areaId);
  if (!mayManage(ctx.actor, { role: body.role, areaPath: area.path })) throw new Forbidden('不能创建该角色的账号', 'role_not_allowed');
  if (!roleAreaKinds[body.role].includes(area.kind)) throw new Invalid('账号所属区域与角色不匹配', undefined, 'invalid_area');
  if (body.role === 'household') {
    if (!body.householdId) throw new Invalid('农户账号必须指定 householdId');
    const household = await getHouseholdInScope(db, ctx.actor, body.householdId);
    if (household.villageId !== area.id) throw new Invalid('农户不属于该村', undefined, 'invalid_area');
  } else if (body.householdId) {
    throw new Invalid('只有农户账号可以绑定农户');
  }
  if (await usernameTaken(db, body.username)) throw taken();
  const passwordHash = await hashPassword(body.password, ctx.config.scryptN);
  return transaction(ctx.db, async (tx) => {
    // Re-checked inside the transaction: the hash above yields the event loop.
    await lockUsername(tx, body.username);
    if (await usernameTaken(tx, body.username)) throw taken();
    const user = await insertUser(tx, {
      username: body.username,
      displayName: body.displayName ?? null,
      passwordHash,
      role: body.role,
      areaId: area.id,
      householdId: body.householdId ?? null,
      createdAt: ctx.now.getTime(),
    });
    const result = { id: user.id, username: user.username, displayName: user.displayName, role: user.role, areaId: user.areaId, householdId: user.householdId, active: user.active };
    await writeAudit(tx, ctx, { entity: 'user', entityId: user.id, action: 'user.create', areaId: area.id, after: result });
    return result;
  });
}
