import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

/** One bounded autocannon run on loopback; any non-2xx answer is counted and reported, not hidden. */
export async function load(opts: {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  setupRequest?: (req: { method?: string; path?: string; headers?: Record<string, string>; body?: string }) => object;
  /**
   * Spread requests over this many client addresses (X-Forwarded-For, as behind the reverse proxy):
   * a public page is opened by many villagers, and the per-IP limit must not turn the figure into 429s.
   */
  clients?: number;
}): Promise<LoadResult> {
  let firstError: string | null = null;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: Array.from({ length: opts.clients ?? 1 }, (_, i) => ({
      method: opts.method ?? 'GET',
      headers: opts.clients ? { ...opts.headers, 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } : opts.headers,
      ...(opts.setupRequest ? { setupRequest: opts.setupRequest as never } : {}),
      // Reading bodies costs the load generator; only the (slower) writes keep their first error.
      ...(opts.setupRequest
        ? {
            onResponse: (status: number, body: string) => {
              if (status >= 300 && !firstError) firstError = `${status} ${body.slice(0, 300)}`;
            },
          }
        : {}),
    })),
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed) console.warn(`[bench] ${opts.url}: ${failed} failed requests${firstError ? `, first: ${firstError}` : ''}`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'], failed };
}
