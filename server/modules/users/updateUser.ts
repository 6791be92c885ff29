import { and, eq, isNull } from 'drizzle-orm';
import { areas, sessions, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, Invalid, NotFound } from '../../lib/errors';
import { hashPassword } from '../../lib/password';
import { pathWithin } from '../../lib/scope';
import { mayManage, roleAreaKinds } from './policy';
import type { UpdateUserBody } from './schemas';

/**
 * Changes an account the actor manages (never its own, a peer's or a higher one's). Changing role or
 * password, or deactivating, ends the user's sessions at once.
 */
export async function updateUser(ctx: Ctx, userId: number, body: UpdateUserBody) {
  const row = ctx.db.select({ user: users, areaPath: areas.path, areaKind: areas.kind }).from(users).innerJoin(areas, eq(areas.id, users.areaId)).where(eq(users.id, userId)).get();
  if (!row || !pathWithin(ctx.actor, row.areaPath)) throw new NotFound('账号不存在');
  if (userId === ctx.actor.userId) throw new Forbidden('自己的账号请在“修改密码”中修改，不能在这里更改', 'own_account');
  if (!mayManage(ctx.actor, { role: row.user.role, areaPath: row.areaPath })) throw new Forbidden('不能管理该账号', 'role_not_allowed');
  if (body.role !== undefined) {
    if (!mayManage(ctx.actor, { role: body.role, areaPath: row.areaPath })) throw new Forbidden('不能授予该角色', 'role_not_allowed');
    if (!roleAreaKinds[body.role].includes(row.areaKind)) throw new Invalid('账号所属区域与角色不匹配', undefined, 'invalid_area');
    if ((body.role === 'household') !== (row.user.role === 'household')) throw new Invalid('农户账号与工作人员账号不能互换');
  }
  const passwordHash = body.password ? await hashPassword(body.password, ctx.config.scryptN) : undefined;
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const patch: Partial<typeof users.$inferInsert> = { updatedAt: at };
    if (body.role !== undefined) patch.role = body.role;
    if (body.active !== undefined) patch.active = body.active;
    if (body.displayName !== undefined) patch.displayName = body.displayName;
    if (passwordHash) {
      patch.passwordHash = passwordHash;
      patch.failedLogins = 0;
      patch.lockedUntil = null;
    }
    tx.update(users).set(patch).where(eq(users.id, userId)).run();
    const endSessions = body.role !== undefined || passwordHash !== undefined || body.active === false;
    if (endSessions) {
      tx.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))).run();
    }
    const { passwordHash: _omit, ...beforeSafe } = row.user;
    void _omit;
    writeAudit(tx, ctx, {
      entity: 'user',
      entityId: userId,
      action: 'user.update',
      areaId: row.user.areaId,
      before: beforeSafe,
      after: { ...patch, passwordHash: passwordHash ? '(changed)' : undefined, sessionsEnded: endSessions },
    });
    const updated = tx.select().from(users).where(eq(users.id, userId)).get()!;
    return { id: updated.id, username: updated.username, displayName: updated.displayName, role: updated.role, areaId: updated.areaId, householdId: updated.householdId, active: updated.active };
  });
}
