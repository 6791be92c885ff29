import { areasByIds, type AreaRow, type ExpiryMode, type MaskMode } from '../../../db/areas';
import type { Db } from '../../../db/client';

export interface AreaSettings {
  noticeDays: number;
  maskMode: MaskMode;
  expiryMode: ExpiryMode;
  expiryMonths: number | null;
  starThresholds: number[];
  /** What one point is worth in fen when redemptions are valued (100 = 1 元). */
  pointValueFen: number;
}

export const defaultSettings: AreaSettings = {
  noticeDays: 7,
  maskMode: 'name',
  expiryMode: 'carry',
  expiryMonths: null,
  starThresholds: [20, 50, 100, 200, 400],
  pointValueFen: 100,
};

/**
 * Effective settings of an area: each unset value is inherited from the nearest ancestor. Pass the
 * transaction handle when the settings decide a write (notice days of an approval, expiry).
 */
export async function resolveSettings(db: Db, path: string): Promise<AreaSettings> {
  const ids = path.split('/').filter(Boolean).map(Number);
  const chain = await areasByIds(db, ids);
  return settingsAlong(path, new Map(chain.map((a) => [a.id, a])));
}

/** `resolveSettings` from the areas already read (by id): many areas' settings from one read. */
export function settingsAlong(path: string, byId: ReadonlyMap<number, AreaRow>): AreaSettings {
  const ids = path.split('/').filter(Boolean).map(Number);
  const result = { ...defaultSettings };
  // Walk from the area itself up to the county; the first value set wins.
  const taken = new Set<keyof AreaSettings>();
  const take = <K extends keyof AreaSettings>(key: K, value: AreaSettings[K] | null) => {
    if (value === null || taken.has(key)) return;
    result[key] = value;
    taken.add(key);
  };
  for (const id of ids.reverse()) {
    const a = byId.get(id);
    if (!a) continue;
    take('noticeDays', a.noticeDays);
    take('maskMode', a.maskMode);
    take('expiryMode', a.expiryMode);
    take('expiryMonths', a.expiryMonths);
    take('pointValueFen', a.pointValueFen);
    take('starThresholds', a.starThresholds ? (JSON.parse(a.starThresholds) as number[]) : null);
  }
  return result;
}
