import { householdForStars } from '../../../db/boards/households';
import { latestApprovedPublication } from '../../../db/boards/publications';
import { readDb, replicaDb, type Db } from '../../../db/client';
import { shanghaiDay } from '../../../db/time';
import type { Ctx, PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import { publicName } from '../public/publicName';
import { loadArea } from './boardArea';
import type { StarBoard } from './computeBoard';
import { computeStars, type StarItem } from './computeStars';
import { StarParams } from './schemas';

export interface PublishedStars {
  publicationId: number;
  version: number | null;
  publishedAt: number | null;
  hash: string;
  method: StarBoard['params']['method'];
  stars: number;
  dimensions: string[];
  score: number;
}

/**
 * The latest published star board of a village for a year, read and parsed once: `of(householdId)`
 * gives one household's published stars (0 when it is not on the board), or null before any publication.
 */
export async function publishedStarBoard(db: Db, villageId: number, year: string): Promise<{ of: (householdId: number) => PublishedStars | null }> {
  const p = await latestApprovedPublication(db, { kind: 'stars', areaId: villageId, period: year });
  if (!p) return { of: () => null };
  const board = JSON.parse(p.snapshot) as StarBoard;
  const items = new Map<number, StarItem>(board.items.map((i) => [i.householdId, i]));
  return {
    of: (householdId) => {
      const item = items.get(householdId);
      return {
        publicationId: p.id,
        version: p.version,
        publishedAt: p.reviewedAt,
        hash: p.hash,
        method: board.params.method,
        stars: item?.stars ?? 0,
        dimensions: item?.dimensions ?? [],
        score: item?.score ?? 0,
      };
    },
  };
}

const yearOf = (ctx: PublicCtx, year?: string) => year ?? shanghaiDay(ctx.now.getTime()).slice(0, 4);

/** For the household page (staff, or the household itself): stars computed now and as published. */
export async function getHouseholdStars(ctx: Ctx, householdId: number, year?: string) {
  const db = readDb(ctx.db);
  const h = await getHouseholdInScope(db, ctx.actor, householdId);
  const y = yearOf(ctx, year);
  const loaded = await loadArea(db, h.villageId);
  const [now] = await computeStars(db, loaded, y, StarParams.parse({}), [h.id]);
  return {
    householdId: h.id,
    year: y,
    thresholds: loaded.settings.starThresholds,
    computed: now ? { stars: now.stars, score: now.score, dimensions: now.dimensions, method: 'score' as const } : null,
    published: (await publishedStarBoard(db, h.villageId, y)).of(h.id),
  };
}

/** The public star page of a household: masked name, village, and only published stars. */
export async function getPublicHouseholdStars(ctx: PublicCtx, householdId: number, year?: string) {
  const db = replicaDb(ctx.db);
  const h = await householdForStars(db, householdId);
  if (!h || !h.active) throw new NotFound('农户不存在');
  const y = yearOf(ctx, year);
  const loaded = await loadArea(db, h.villageId);
  return {
    householdId: h.id,
    name: publicName(loaded.settings.maskMode, h.headName, h.doorNo),
    village: loaded.area,
    year: y,
    published: (await publishedStarBoard(db, h.villageId, y)).of(h.id),
  };
}
