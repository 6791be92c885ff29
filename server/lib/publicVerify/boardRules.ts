/**
 * The board rules that are pure functions of plain rows: the server's board computation (server/modules/boards)
 * and the public verifier both import them from here, so there is one owner of each rule. No node: imports.
 */

/**
 * Competition ranking (1, 1, 3) over rows already sorted best first; ties share a rank. The caller's
 * sort decides the order within a tie (name pinyin initials, then id).
 */
export function withRanks<T>(rows: T[], value: (row: T) => number | string): Array<T & { rank: number }> {
  let rank = 0;
  let previous: number | string | null = null;
  return rows.map((row, i) => {
    const v = value(row);
    if (i === 0 || v !== previous) {
      rank = i + 1;
      previous = v;
    }
    return { ...row, rank };
  });
}

export type StarMethod = 'score' | 'dimensions' | 'both';

/** Stars by score: one per threshold reached (thresholds ascending, five of them). */
export function starsByScore(score: number, thresholds: readonly number[]): number {
  return thresholds.filter((t) => score >= t).length;
}

export function starsFor(method: StarMethod, byScore: number, byDimensions: number): number {
  if (method === 'score') return byScore;
  if (method === 'dimensions') return byDimensions;
  return Math.min(byScore, byDimensions);
}

/** A star dimension's heading codes, as a stars board stores them ("a,b"). */
export function dimensionCategories(stored: string): string[] {
  return stored.split(',').filter(Boolean);
}

export type ScoreBucket = 'earned' | 'deducted';
const KIND_BUCKET: Partial<Record<string, ScoreBucket>> = { award: 'earned', deduction: 'deducted' };

/**
 * Which conduct-score total an entry moves: awards earn, deductions deduct, a reversal counts against the
 * bucket of the entry it reverses, anything else by its sign (mirrors db/ledger/posting.ts scoreBucket).
 */
export function scoreBucket(kind: string, conductPoints: number, reversedKind: string | undefined): ScoreBucket | null {
  if (conductPoints === 0) return null;
  const own = KIND_BUCKET[kind];
  if (own) return own;
  const original = kind === 'reversal' && reversedKind ? KIND_BUCKET[reversedKind] : undefined;
  if (original) return original;
  return conductPoints > 0 ? 'earned' : 'deducted';
}

/** Does a Shanghai calendar day ("2026-03-05") count towards a period key ("2026", "2026-Q1", "2026-03")? */
export function dayInPeriod(day: string, period: string): boolean {
  const year = day.slice(0, 4);
  if (period.length === 4) return period === year;
  if (period[5] === 'Q') return period === `${year}-Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`;
  return period === day.slice(0, 7);
}

/** One public ledger entry as far as board figures need it (its village chain and seq identify it). */
export interface BoardEntry {
  villageId: number;
  seq: number;
  kind: string;
  conductPoints: number;
  category: string | null;
  ruleId: number | null;
  occurredOn: string;
  reversesSeq: number | null;
  pseudonym: string;
}

export interface PeriodTotals {
  score: number;
  earned: number;
  /** At least one entry with conduct points in the period: the household has a score row for it. */
  scored: boolean;
}

/** Per pseudonym: conduct score and points earned in a period, by the ledger's bucket rule. */
export function periodTotals(entries: readonly BoardEntry[], period: string): Map<string, PeriodTotals> {
  const kindOf = new Map(entries.map((e) => [`${e.villageId}:${e.seq}`, e.kind]));
  const out = new Map<string, PeriodTotals>();
  for (const e of entries) {
    if (e.conductPoints === 0 || !dayInPeriod(e.occurredOn, period)) continue;
    const t = out.get(e.pseudonym) ?? { score: 0, earned: 0, scored: true };
    t.score += e.conductPoints;
    const reversedKind = e.reversesSeq == null ? undefined : kindOf.get(`${e.villageId}:${e.reversesSeq}`);
    if (scoreBucket(e.kind, e.conductPoints, reversedKind) === 'earned') t.earned += e.conductPoints;
    out.set(e.pseudonym, t);
  }
  return out;
}

/** Net conduct points per pseudonym of the given categories in a period, keyed "pseudonym:category". */
export function categoryTotals(entries: readonly BoardEntry[], period: string, categories: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    if (e.conductPoints === 0 || e.category == null || !categories.has(e.category) || !dayInPeriod(e.occurredOn, period)) continue;
    const key = `${e.pseudonym}:${e.category}`;
    out.set(key, (out.get(key) ?? 0) + e.conductPoints);
  }
  return out;
}

/** Seqs (per village, "villageId:seq") of entries undone by a reversal dated in the period, as the boards count them. */
export function reversedInPeriod(entries: readonly BoardEntry[], period: string): Set<string> {
  const out = new Set<string>();
  for (const e of entries) if (e.kind === 'reversal' && e.reversesSeq != null && dayInPeriod(e.occurredOn, period)) out.add(`${e.villageId}:${e.reversesSeq}`);
  return out;
}

/**
 * The first `limit` places of a ranking, ties at the cut all kept; rank = 1 + rows scoring higher. `rows`
 * sorted best first.
 */
export function topThroughTies<T>(rows: T[], value: (row: T) => number, limit: number): Array<T & { rank: number }> {
  const end = rows[Math.min(limit, rows.length) - 1];
  const kept = end === undefined ? [] : rows.filter((r, i) => i < limit || value(r) >= value(end));
  return withRanks(kept, value);
}
