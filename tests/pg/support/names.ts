/** Names shared by the pg lane's global setup (main process) and freshDatabase() (test workers). */

/** The role tests and the app connect as: LOGIN CREATEDB, never superuser. */
export const APP_ROLE = 'jifen';
/** Only matters on a server that asks for passwords (JIFEN_TEST_PG_ADMIN_URL); the throwaway cluster trusts loopback. */
export const APP_PASSWORD = 'jifen-test';
export const TEMPLATE_DB = 'jifen_template';
export const TEST_DB_PREFIX = 'jifen_t_';

/** `url` with another database and, if given, another user and password. */
export function withUrlPath(url: string, database: string, user?: string, password?: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  if (user !== undefined) {
    u.username = encodeURIComponent(user);
    u.password = password === undefined ? '' : encodeURIComponent(password);
  }
  return u.toString();
}
