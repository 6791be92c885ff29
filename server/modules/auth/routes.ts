import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, managerRoles } from '../../lib/roles';
import { getMe } from './getMe';
import { login } from './login';
import { logout } from './logout';
import { LoginBody } from './schemas';
import { SESSION_COOKIE } from './sessionCookie';
import { unlockAccount } from './unlockAccount';

export const authRoutes = new Hono<AppEnv>()
  .post('/auth/login', describeRoute({ tags: ['auth'], summary: 'Log in; sets the session cookie' }), valid('json', LoginBody), async (c) => {
    const ctx = publicCtxOf(c);
    const { user, token } = await login(ctx, c.req.valid('json'));
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: ctx.config.cookieSecure,
      path: '/',
      maxAge: ctx.config.sessionTtlSeconds,
    });
    return c.json({ user }, 200);
  })
  .post('/auth/logout', describeRoute({ tags: ['auth'], summary: 'End the current session' }), allow(...allRoles), async (c) => {
    await logout(ctxOf(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  })
  .get('/auth/me', describeRoute({ tags: ['auth'], summary: 'The logged-in user' }), allow(...allRoles), async (c) => c.json(await getMe(ctxOf(c)), 200))
  .post(
    '/users/:id/unlock',
    describeRoute({ tags: ['auth'], summary: 'Lift a login lock on an account the actor manages' }),
    allow(...managerRoles),
    valid('param', IdParam),
    async (c) => c.json(await unlockAccount(ctxOf(c), c.req.valid('param').id), 200),
  );
