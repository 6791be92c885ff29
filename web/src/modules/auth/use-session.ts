import { reactive } from 'vue';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, ApiError, call } from '../../api/client';

// The login answer is the common shape; /auth/me adds a little (area name) on top of it.
export type SessionUser = InferResponseType<typeof api.auth.login.$post, 200>['user'];
export type Role = SessionUser['role'];
export type LoginBody = InferRequestType<typeof api.auth.login.$post>['json'];

export const session = reactive<{ user: SessionUser | null; loaded: boolean }>({ user: null, loaded: false });

export async function loadSession(): Promise<SessionUser | null> {
  try {
    const res = await call(api.auth.me.$get());
    session.user = res.user;
  } catch (err) {
    // 401 just means "not logged in"; other failures also leave the visitor on the login page.
    if (!(err instanceof ApiError)) throw err;
    session.user = null;
  }
  session.loaded = true;
  return session.user;
}

export async function login(body: LoginBody): Promise<SessionUser> {
  const res = await call(api.auth.login.$post({ json: body }));
  session.user = res.user;
  session.loaded = true;
  return res.user;
}

export async function logout(): Promise<void> {
  try {
    await call(api.auth.logout.$post());
  } finally {
    session.user = null;
  }
}

export const consoleRoles: readonly Role[] = ['county_admin', 'township_admin', 'village_cadre', 'reviewer'];

/** Where each role lands after login. */
export function homeFor(role: Role): string {
  switch (role) {
    case 'clerk':
      return '/counter';
    case 'household':
      return '/me';
    case 'reviewer':
      return '/console/review';
    default:
      return '/console/households';
  }
}
