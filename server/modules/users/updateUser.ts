import { revokeUserSessions } from '../../../db/auth/sessions';
import { readDb, type Db } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { updateUserRow, userById, type UserPatch, type UserWithArea } from '../../../db/users/users';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, Invalid, NotFound } from '../../lib/errors';
import { hashPassword } from '../../lib/password';
import { pathWithin } from '../../lib/scope';
import { mayManage, roleAreaKinds } from './policy';
import type { UpdateUserBody } from './schemas';

/** The account if the actor may make this change to it; the same checks before the hash and inside the transaction. */
async function manageableAccount(db: Db, ctx: Ctx, userId: number, body: UpdateUserBody): Promise<UserWithArea> {
  const user = await userById(db, userId);
  if (!user || !pathWithin(ctx.actor, user.areaPath)) throw new NotFound('账号不存在');
  if (userId === ctx.actor.userId) throw new Forbidden('自己的账号请在“修改密码”中修改，不能在这里更改', 'own_account');
  if (!mayManage(ctx.actor, { role: user.role, areaPath: user.areaPath })) throw new Forbidden('不能管理该账号', 'role_not_allowed');
  if (body.role !== undefined) {
    if (!mayManage(ctx.actor, { role: body.role, areaPath: user.areaPath })) throw new Forbidden('不能授予该角色', 'role_not_allowed');
    if (!roleAreaKinds[body.role].includes(user.areaKind)) throw new Invalid('账号所属区域与角色不匹配', undefined, 'invalid_area');
    if ((body.role === 'household') !== (user.role === 'household')) throw new Invalid('农户账号与工作人员账号不能互换');
  }
  return user;
}

/**
 * Changes an account the actor manages (never its own, a peer's or a higher one's). Changing role or
 * password, or deactivating, ends the user's sessions at once.
 */
export async function updateUser(ctx: Ctx, userId: number, body: UpdateUserBody) {
  await manageableAccount(readDb(ctx.db), ctx, userId, body);
  const passwordHash = body.password ? await hashPassword(body.password, ctx.config.scryptN) : undefined;
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // Decided again on what the transaction sees: the account may have changed while the hash ran.
    const before = await manageableAccount(tx, ctx, userId, body);
    const patch: UserPatch = { updatedAt: at };
    if (body.role !== undefined) patch.role = body.role;
    if (body.active !== undefined) patch.active = body.active;
    if (body.displayName !== undefined) patch.displayName = body.displayName;
    if (passwordHash) {
      patch.passwordHash = passwordHash;
      patch.failedLogins = 0;
      patch.lockedUntil = null;
    }
    await updateUserRow(tx, userId, patch);
    const endSessions = body.role !== undefined || passwordHash !== undefined || body.active === false;
    if (endSessions) await revokeUserSessions(tx, userId, at);
    const { passwordHash: _omit, areaName: _n, areaKind: _k, areaPath: _p, ...beforeSafe } = before;
    await writeAudit(tx, ctx, {
      entity: 'user',
      entityId: userId,
      action: 'user.update',
      areaId: before.areaId,
      before: beforeSafe,
      after: { ...patch, passwordHash: passwordHash ? '(changed)' : undefined, sessionsEnded: endSessions },
    });
    const updated = (await userById(tx, userId))!;
    return { id: updated.id, username: updated.username, displayName: updated.displayName, role: updated.role, areaId: updated.areaId, householdId: updated.householdId, active: updated.active };
  });
}
