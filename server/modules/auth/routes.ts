import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, managerRoles } from '../../lib/roles';
import { getMe } from './getMe';
import { login } from './login';
import { logout } from './logout';
import { MeAnswer, UnlockAnswer } from './responses';
import { LoginBody } from './schemas';
import { SESSION_COOKIE } from './sessionCookie';
import { unlockAccount } from './unlockAccount';

export const authRoutes = new Hono<AppEnv>()
  .post('/auth/login', describeRoute(
      doc({
        tags: ['auth'],
        zh: '登录（设置会话 Cookie）',
        en: 'Log in; sets the session cookie',
        access: 'public',
        ok: { status: 200, schema: MeAnswer, headers: { 'Set-Cookie': { description: 'jifen_session=…; HttpOnly; SameSite=Lax; Path=/', schema: { type: 'string' } } } },
        errors: ['bad_credentials', 'account_locked', 'too_many_requests'],
      }),
    ), valid('json', LoginBody), async (c) => {
    const ctx = publicCtxOf(c);
    const { user, token } = await login(ctx, c.req.valid('json'));
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: ctx.config.cookieSecure,
      path: '/',
      maxAge: ctx.config.sessionTtlSeconds,
    });
    return c.json(answer(MeAnswer, { user }), 200);
  })
  .post('/auth/logout', describeRoute(doc({ tags: ['auth'], zh: '退出登录', en: 'End the current session', access: 'session', noInput: true, ok: { status: 204 } })), allow(...allRoles), async (c) => {
    await logout(ctxOf(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  })
  .get('/auth/me', describeRoute(doc({ tags: ['auth'], zh: '当前登录的用户', en: 'The logged-in user', access: 'session', noInput: true, ok: { status: 200, schema: MeAnswer }, errors: ['not_found'] })), allow(...allRoles), async (c) => c.json(answer(MeAnswer, await getMe(ctxOf(c))), 200))
  .post(
    '/users/:id/unlock',
    describeRoute(doc({ tags: ['auth'], zh: '解除账号的登录锁定', en: 'Lift a login lock on an account the actor manages', ok: { status: 200, schema: UnlockAnswer }, errors: ['not_found', 'role_not_allowed'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    async (c) => c.json(answer(UnlockAnswer, await unlockAccount(ctxOf(c), c.req.valid('param').id)), 200),
  );
