import type { PublicApi } from '../../server/lib/publicVerify';
import type { TestApp } from '../support/app';

/** The verifier's api over an in-process app (no sockets): `cookie` for the household's own proofs. */
export function appApi(t: TestApp, cookie?: string): PublicApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getJson(path) {
      calls.push(path);
      const res = await t.app.request(`/api${path}`, { headers: cookie ? { cookie } : {} });
      if (!res.ok) throw new Error(`GET /api${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      return res.json();
    },
  };
}

/** An api that answers some paths itself (a hostile server) and passes the rest on. */
export function tamperedApi(inner: PublicApi, rewrite: (path: string, body: unknown) => unknown): PublicApi {
  return { getJson: async (path) => rewrite(path, await inner.getJson(path)) };
}
