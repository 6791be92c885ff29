/** Summary of repeated runs: the median is the figure, min..max its spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(runs: number[]): Summary {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs };
}

export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs a synchronous body `n` times and returns each duration in ms. */
export function timeEach(n: number, body: (i: number) => void): number[] {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    body(i);
    out[i] = Number(process.hrtime.bigint() - t) / 1e6;
  }
  return out;
}

/** Runs an async body `n` times, one after another, and returns each duration in ms. */
export async function timeEachAsync(n: number, body: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await body(i);
    out[i] = Number(process.hrtime.bigint() - t) / 1e6;
  }
  return out;
}
