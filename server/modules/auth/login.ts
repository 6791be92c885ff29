import { eq } from 'drizzle-orm';
import { sessions, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { Unauthorized } from '../../lib/errors';
import { verifyPassword } from '../../lib/password';
import type { LoginBody } from './schemas';
import { newSessionToken } from './sessionCookie';
import { publicUser } from './publicUser';

// Compared against when the username is unknown, so timing does not reveal which usernames exist.
const DUMMY_HASH = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Checks the password and opens a fresh server-side session (a new id at every login). */
export async function login(ctx: PublicCtx, body: LoginBody) {
  const user = ctx.db.select().from(users).where(eq(users.username, body.username)).get();
  const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || !user.active) throw new Unauthorized('用户名或密码错误', 'bad_credentials');
  const { token, idHash } = newSessionToken();
  const at = ctx.now.getTime();
  ctx.db.transaction((tx) => {
    tx.insert(sessions)
      .values({
        idHash,
        userId: user.id,
        createdAt: at,
        expiresAt: at + ctx.config.sessionTtlSeconds * 1000,
        lastSeenAt: at,
        ip: ctx.device.ip,
        userAgent: ctx.device.userAgent?.slice(0, 300) ?? null,
      })
      .run();
    const actor = { userId: user.id, role: user.role, areaId: user.areaId };
    writeAudit(tx, { ...ctx, actor }, { entity: 'session', entityId: user.id, action: 'session.login', areaId: user.areaId });
  });
  return { user: publicUser(user), token };
}
