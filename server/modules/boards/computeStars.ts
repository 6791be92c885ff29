import { activeVillageHouseholds, villageCategoryPoints, villageScores } from '../../../db/boards/scores';
import type { Db } from '../../../db/client';
import { publicName } from '../public/publicName';
import { headingsInForce } from '../rules/headings';
import type { LoadedArea } from './boardArea';
import { starsByScore, starsFor } from '../../lib/publicVerify/boardRules';
import { withRanks } from './ranking';
import type { StarParams } from './schemas';

/** A star dimension (星项) and the stored category codes of the headings that count toward it. */
export interface StarDimension {
  label: string;
  categories: string[];
}

// The five of 星级文明户 keep the order posters have always printed them in; an area's own come after.
const classic = ['遵纪守法星', '孝老爱亲星', '卫生清洁星', '勤劳致富星', '移风易俗星'];

/**
 * The star dimensions of a village: from the headings in force there that name one (the template gives
 * the five of 星级文明户: 遵纪守法、孝老爱亲、卫生清洁、勤劳致富、移风易俗), in heading order.
 */
export async function starDimensionsOf(db: Db, area: { id: number; path: string }): Promise<StarDimension[]> {
  const out = new Map<string, string[]>();
  for (const h of await headingsInForce(db, area, false)) {
    if (h.starDimension) out.set(h.starDimension, [...(out.get(h.starDimension) ?? []), h.code]);
  }
  const rank = (label: string) => (classic.includes(label) ? classic.indexOf(label) : classic.length);
  return [...out].map(([label, categories]) => ({ label, categories })).sort((a, b) => rank(a.label) - rank(b.label));
}

export interface StarItem {
  rank: number;
  householdId: number;
  /** The household's public pseudonym (see the public ledger). */
  pseudonym: string;
  name: string;
  score: number;
  stars: number;
  /** Labels of the dimensions reached. */
  dimensions: string[];
}

/**
 * 星级文明户 of a village for a year: every active household, its conduct score for the year, the
 * dimensions whose category points (net, reversals included) reach the threshold, and its stars.
 * Households are listed most stars first, ties share a rank and are in pinyin order.
 */
export async function computeStars(db: Db, { row, settings }: LoadedArea, year: string, params: StarParams, householdIds?: number[]): Promise<StarItem[]> {
  const people = await activeVillageHouseholds(db, row.id, year, householdIds);
  const scores = await villageScores(db, row.id, year);
  const dimensions = await starDimensionsOf(db, row);
  const perCategory = await villageCategoryPoints(
    db,
    row.id,
    year,
    dimensions.flatMap((d) => d.categories),
  );
  const items = people.map((p) => {
    const score = scores.get(p.householdId) ?? 0;
    const points = (d: StarDimension) => d.categories.reduce((sum, c) => sum + (perCategory.get(`${p.householdId}:${c}`) ?? 0), 0);
    const reached = dimensions.filter((d) => points(d) >= params.dimensionThreshold).map((d) => d.label);
    const stars = starsFor(params.method, starsByScore(score, settings.starThresholds), reached.length);
    return { householdId: p.householdId, pseudonym: p.pseudonym, name: publicName(settings.maskMode, p.headName, p.doorNo), score, stars, dimensions: reached };
  });
  // Stable sort keeps the pinyin order inside a tie.
  items.sort((a, b) => b.stars - a.stars);
  return withRanks(items, (i) => i.stars);
}
