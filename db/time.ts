/** Calendar helpers in Asia/Shanghai (UTC+8 all year, no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function shanghaiMonth(ms: number): string {
  return shanghaiDay(ms).slice(0, 7);
}

/** The periods a day counts towards: year, quarter and month keys. */
export function periodsOfDay(day: string): [string, string, string] {
  const year = day.slice(0, 4);
  const month = Number(day.slice(5, 7));
  return [year, `${year}-Q${Math.ceil(month / 3)}`, day.slice(0, 7)];
}

/** First and last day (inclusive) of a period key "YYYY", "YYYY-Qn" or "YYYY-MM". */
export function periodRange(period: string): { from: string; to: string } {
  const year = Number(period.slice(0, 4));
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  if (/^\d{4}$/.test(period)) return { from: `${year}-01-01`, to: `${year}-12-31` };
  const q = /^\d{4}-Q([1-4])$/.exec(period);
  if (q) {
    const first = (Number(q[1]) - 1) * 3 + 1;
    return { from: `${year}-${pad(first)}-01`, to: `${year}-${pad(first + 2)}-${lastDay(year, first + 2)}` };
  }
  const m = Number(period.slice(5, 7));
  return { from: `${period}-01`, to: `${period}-${lastDay(year, m)}` };
}

export const periodPattern = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
