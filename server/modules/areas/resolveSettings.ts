import { inArray } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import type { Db } from '../../../db/client';

export interface AreaSettings {
  noticeDays: number;
  maskMode: 'name' | 'door';
  expiryMode: 'carry' | 'months' | 'year_end';
  expiryMonths: number | null;
  starThresholds: number[];
}

export const defaultSettings: AreaSettings = {
  noticeDays: 7,
  maskMode: 'name',
  expiryMode: 'carry',
  expiryMonths: null,
  starThresholds: [20, 50, 100, 200, 400],
};

/** Effective settings of an area: each unset value is inherited from the nearest ancestor. */
export function resolveSettings(db: Db, path: string): AreaSettings {
  const ids = path.split('/').filter(Boolean).map(Number);
  const chain = db.select().from(areas).where(inArray(areas.id, ids)).all();
  const byId = new Map(chain.map((a) => [a.id, a]));
  const result = { ...defaultSettings };
  let expiryMonthsSet = false;
  const seen = new Set<string>();
  for (const id of ids.reverse()) {
    const a = byId.get(id);
    if (!a) continue;
    if (a.noticeDays != null && !seen.has('noticeDays')) (result.noticeDays = a.noticeDays), seen.add('noticeDays');
    if (a.maskMode != null && !seen.has('maskMode')) (result.maskMode = a.maskMode), seen.add('maskMode');
    if (a.expiryMode != null && !seen.has('expiryMode')) (result.expiryMode = a.expiryMode), seen.add('expiryMode');
    if (a.expiryMonths != null && !expiryMonthsSet) (result.expiryMonths = a.expiryMonths), (expiryMonthsSet = true);
    if (a.starThresholds != null && !seen.has('starThresholds'))
      (result.starThresholds = JSON.parse(a.starThresholds) as number[]), seen.add('starThresholds');
  }
  return result;
}
