/** The household page's 公示 tab: which items are the household's own, and what became of its objections. */

export interface ObjectionOutcome {
  awardId: number;
  status: 'open' | 'upheld' | 'dismissed';
  resolution: string | null;
  createdAt: number;
}

/** All notices, or only the household's own ("只看我家"). */
export function filterNotices<T extends { awardId: number }>(items: readonly T[], mine: ReadonlySet<number>, onlyMine: boolean): T[] {
  return onlyMine ? items.filter((i) => mine.has(i.awardId)) : [...items];
}

/**
 * The household's latest objection to each award: a dismissed objection may be followed by a new one,
 * and the newest is the state that counts.
 */
export function latestObjectionByAward<T extends ObjectionOutcome>(objections: readonly T[]): Map<number, T> {
  const out = new Map<number, T>();
  for (const o of objections) {
    const seen = out.get(o.awardId);
    if (!seen || o.createdAt > seen.createdAt) out.set(o.awardId, o);
  }
  return out;
}

/** A second objection is refused while one is open; after a decision the household may object again. */
export function canObject(latest: ObjectionOutcome | undefined): boolean {
  return latest?.status !== 'open';
}
