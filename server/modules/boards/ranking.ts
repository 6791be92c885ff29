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

/** Sort key for "stable order by name pinyin": initials, then id so equal initials never swap. */
export function byInitials(a: { initials: string; householdId: number }, b: { initials: string; householdId: number }): number {
  return a.initials < b.initials ? -1 : a.initials > b.initials ? 1 : a.householdId - b.householdId;
}
