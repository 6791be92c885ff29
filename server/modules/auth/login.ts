import { insertSession } from '../../../db/auth/sessions';
import { transaction } from '../../../db/transaction';
import { userByUsername } from '../../../db/users/users';
import { writeAudit } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { Unauthorized } from '../../lib/errors';
import { dummyPasswordHash, verifyPassword } from '../../lib/password';
import { pruneLoginCounters, releaseLogin, reserveLogin } from './loginThrottle';
import type { LoginBody } from './schemas';
import { newSessionToken } from './sessionCookie';
import { publicUser } from './publicUser';

const badCredentials = () => new Unauthorized('用户名或密码错误', 'bad_credentials');

/**
 * Checks the password and opens a fresh server-side session (a new id at every login). The attempt is
 * counted before the hash (per account or unknown username, and per IP) in one transaction and given
 * back on success in another; the hash runs between them, outside any transaction. So a parallel burst
 * gets no more guesses than a sequence. An unknown username goes through the same steps and the same
 * hash cost as a real one: neither the answer nor its timing tells them apart.
 */
export async function login(ctx: PublicCtx, body: LoginBody) {
  const at = ctx.now.getTime();
  const { user, reservation } = await transaction(ctx.db, async (tx) => {
    await pruneLoginCounters(tx, at);
    const user = await userByUsername(tx, body.username);
    return { user, reservation: await reserveLogin(tx, ctx, body.username, user?.id ?? null) };
  });
  const ok = await verifyPassword(body.password, user?.passwordHash ?? dummyPasswordHash(ctx.config.scryptN));
  if (!user || !ok || !user.active) {
    // The failure is already counted; only a new lock is worth an audit row.
    if (user && reservation.lockMs > 0) {
      await transaction(ctx.db, (tx) =>
        writeAudit(tx, { ...ctx, actor: null }, { entity: 'user', entityId: user.id, action: 'user.lock', areaId: user.areaId, after: { lockedUntil: reservation.lockedUntil } }),
      );
    }
    throw badCredentials();
  }
  const { token, idHash } = newSessionToken();
  const current = await transaction(ctx.db, async (tx) => {
    // The password just checked must still be the account's, and the account still active: a reset or a
    // deactivation while the hash ran wins, and this attempt stays counted as a failure.
    const current = await userByUsername(tx, body.username);
    if (!current || current.id !== user.id || current.passwordHash !== user.passwordHash || !current.active) throw badCredentials();
    await releaseLogin(tx, ctx, user.id, reservation);
    await insertSession(tx, {
      idHash,
      userId: user.id,
      createdAt: at,
      expiresAt: at + ctx.config.sessionTtlSeconds * 1000,
      ip: ctx.device.ip,
      userAgent: ctx.device.userAgent?.slice(0, 300) ?? null,
    });
    const actor = { userId: user.id, role: current.role, areaId: current.areaId };
    await writeAudit(tx, { ...ctx, actor }, { entity: 'session', entityId: user.id, action: 'session.login', areaId: current.areaId });
    return current;
  });
  // The same shape as /auth/me, so a client can use either answer as its session.
  return { user: { ...publicUser(current), areaName: current.areaName, areaKind: current.areaKind }, token };
}
