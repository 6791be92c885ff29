import type { z } from 'zod';
import { parseProblem } from './schemas';
import { Stop } from './report';

/** How the verifier reads the server: a JSON GET of a path under /api (e.g. '/public/checkpoint-key'). */
export interface PublicApi {
  getJson(path: string): Promise<unknown>;
}

/** An HTTP answer other than 2xx, or no answer: the server is unreachable or refused, which is not a mismatch. */
export class ApiUnavailable extends Error {
  constructor(
    readonly path: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** A PublicApi over fetch: `base` is the server's origin ("https://jifen.example.cn"); paths are under /api. */
export function httpApi(base: string, fetchImpl: typeof fetch = fetch, init: RequestInit = {}): PublicApi {
  const origin = base.replace(/\/+$/, '');
  return {
    async getJson(path) {
      let res: Response;
      try {
        res = await fetchImpl(`${origin}/api${path}`, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
      } catch (err) {
        throw new ApiUnavailable(path, null, `cannot reach ${origin}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        let message = text.slice(0, 200);
        try {
          const body = JSON.parse(text) as { error?: { message?: unknown } };
          if (typeof body.error?.message === 'string') message = body.error.message;
        } catch {
          // not JSON: keep the text
        }
        throw new ApiUnavailable(path, res.status, `GET /api${path}: HTTP ${res.status} ${message}`);
      }
      try {
        return (await res.json()) as unknown;
      } catch {
        throw new Stop('response', { what: `GET /api${path}: the answer is not JSON` });
      }
    },
  };
}

/** Fetches and validates one document; any failure becomes a Stop naming what was being read. */
export async function fetchParsed<S extends z.ZodType>(api: PublicApi, path: string, schema: S, check: string, where: { villageId?: number } = {}): Promise<z.infer<S>> {
  return (await fetchBoth(api, path, schema, check, where)).data;
}

/** As fetchParsed, keeping the raw document too (hashes and signatures cover what was sent, not what was parsed). */
export async function fetchBoth<S extends z.ZodType>(api: PublicApi, path: string, schema: S, check: string, where: { villageId?: number } = {}): Promise<{ raw: unknown; data: z.infer<S> }> {
  let raw: unknown;
  try {
    raw = await api.getJson(path);
  } catch (err) {
    if (err instanceof Stop) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new Stop(check, { ...where, what: message, unreachable: true });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Stop(check, { ...where, what: `GET /api${path}: unexpected answer (${parseProblem(parsed.error)})` });
  return { raw, data: parsed.data };
}
