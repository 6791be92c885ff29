import { activeVillageHouseholds, villageCategoryPoints, villageScores } from '../../../db/boards/scores';
import type { RuleCategory } from '../../../db/boards/types';
import type { Db } from '../../../db/client';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';
import { withRanks } from './ranking';
import type { StarParams } from './schemas';

/** The five dimensions of 星级文明户 and the rule category each is earned in. */
export const starDimensions: ReadonlyArray<{ key: string; label: string; category: RuleCategory }> = [
  { key: 'law', label: '遵纪守法星', category: 'law_abiding' },
  { key: 'virtue', label: '孝老爱亲星', category: 'family_virtue' },
  { key: 'hygiene', label: '卫生清洁星', category: 'hygiene' },
  { key: 'industry', label: '勤劳致富星', category: 'industrious' },
  { key: 'customs', label: '移风易俗星', category: 'civility' },
];

export interface StarItem {
  rank: number;
  householdId: number;
  name: string;
  score: number;
  stars: number;
  /** Labels of the dimensions reached. */
  dimensions: string[];
}

/** Stars by score: one per threshold reached (thresholds ascending, five of them). */
export function starsByScore(score: number, thresholds: number[]): number {
  return thresholds.filter((t) => score >= t).length;
}

export function starsFor(method: StarParams['method'], byScore: number, byDimensions: number): number {
  if (method === 'score') return byScore;
  if (method === 'dimensions') return byDimensions;
  return Math.min(byScore, byDimensions);
}

/**
 * 星级文明户 of a village for a year: every active household, its conduct score for the year, the
 * dimensions whose category points (net, reversals included) reach the threshold, and its stars.
 * Households are listed most stars first, ties share a rank and are in pinyin order.
 */
export async function computeStars(db: Db, { row, settings }: LoadedArea, year: string, params: StarParams, householdIds?: number[]): Promise<StarItem[]> {
  const people = await activeVillageHouseholds(db, row.id, householdIds);
  const scores = await villageScores(db, row.id, year);
  const perCategory = await villageCategoryPoints(
    db,
    row.id,
    year,
    starDimensions.map((d) => d.category),
  );
  const items = people.map((p) => {
    const score = scores.get(p.householdId) ?? 0;
    const reached = starDimensions.filter((d) => (perCategory.get(`${p.householdId}:${d.category}`) ?? 0) >= params.dimensionThreshold).map((d) => d.label);
    const stars = starsFor(params.method, starsByScore(score, settings.starThresholds), reached.length);
    return { householdId: p.householdId, name: publicName(settings.maskMode, p.headName, p.doorNo), score, stars, dimensions: reached };
  });
  // Stable sort keeps the pinyin order inside a tie.
  items.sort((a, b) => b.stars - a.stars);
  return withRanks(items, (i) => i.stars);
}
