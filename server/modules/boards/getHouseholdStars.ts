import { and, desc, eq } from 'drizzle-orm';
import { boardPublications, households } from '../../../db/schema';
import { shanghaiDay } from '../../../db/time';
import type { Ctx, PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { getHouseholdInScopeSync } from '../../lib/scope';
import { publicName } from '../public/publicName';
import { loadArea } from './boardArea';
import type { StarBoard } from './computeBoard';
import { computeStars } from './computeStars';
import { StarParams } from './schemas';

/** The household's stars on the latest published star board of its village for the year, if any. */
function publishedStars(ctx: PublicCtx, villageId: number, householdId: number, year: string) {
  const p = ctx.db
    .select()
    .from(boardPublications)
    .where(and(eq(boardPublications.kind, 'stars'), eq(boardPublications.areaId, villageId), eq(boardPublications.period, year), eq(boardPublications.status, 'approved')))
    .orderBy(desc(boardPublications.version))
    .get();
  if (!p) return null;
  const board = JSON.parse(p.snapshot) as StarBoard;
  const item = board.items.find((i) => i.householdId === householdId);
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
}

const yearOf = (ctx: PublicCtx, year?: string) => year ?? shanghaiDay(ctx.now.getTime()).slice(0, 4);

/** For the household page (staff, or the household itself): stars computed now and as published. */
export function getHouseholdStars(ctx: Ctx, householdId: number, year?: string) {
  const h = getHouseholdInScopeSync(ctx, householdId);
  const y = yearOf(ctx, year);
  const loaded = loadArea(ctx.db, h.villageId);
  const [now] = computeStars(ctx.db, loaded, y, StarParams.parse({}), [h.id]);
  return {
    householdId: h.id,
    year: y,
    thresholds: loaded.settings.starThresholds,
    computed: now ? { stars: now.stars, score: now.score, dimensions: now.dimensions, method: 'score' as const } : null,
    published: publishedStars(ctx, h.villageId, h.id, y),
  };
}

/** The public star page of a household: masked name, village, and only published stars. */
export function getPublicHouseholdStars(ctx: PublicCtx, householdId: number, year?: string) {
  const h = ctx.db
    .select({ id: households.id, villageId: households.villageId, headName: households.headName, doorNo: households.doorNo, status: households.status })
    .from(households)
    .where(eq(households.id, householdId))
    .get();
  if (!h || h.status !== 'active') throw new NotFound('农户不存在');
  const y = yearOf(ctx, year);
  const loaded = loadArea(ctx.db, h.villageId);
  return {
    householdId: h.id,
    name: publicName(loaded.settings.maskMode, h.headName, h.doorNo),
    village: loaded.area,
    year: y,
    published: publishedStars(ctx, h.villageId, h.id, y),
  };
}
