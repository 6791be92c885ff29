import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { preparedJson, servePrepared } from '../../lib/preparedJson';
import { IdParam } from '../../lib/params';
import { getHouseholdRank } from './getHouseholdRank';
import { getLeaderboard } from './getLeaderboard';
import { listPublicAreas } from './listPublicAreas';
import { listVillageLedger } from './listVillageLedger';
import { HouseholdRankAnswer, LeaderboardAnswer, PublicAreasAnswer, PublicLedgerAnswer } from './responses';
import { LedgerRangeQuery, LeaderboardQuery, RankQuery } from './schemas';

export const publicRoutes = new Hono<AppEnv>()
  .get('/public/areas', describeRoute(doc({ tags: ['public'], zh: '有公开榜单的乡镇和村（无需登录）', en: 'Townships and villages with public boards (no login)', access: 'public', noInput: true, ok: { status: 200, schema: PublicAreasAnswer } })), async (c) =>
    c.json(answer(PublicAreasAnswer, await listPublicAreas(publicCtxOf(c))), 200),
  )
  .get(
    '/public/areas/:id/leaderboard',
    describeRoute(doc({ tags: ['public'], zh: '村、乡镇或县的文明积分排行榜（无需登录）', en: 'Conduct-score leaderboard of a village, township or county (no login)', access: 'public', etag: true, ok: { status: 200, schema: LeaderboardAnswer }, errors: ['not_found'] })),
    servePrepared,
    valid('param', IdParam),
    valid('query', LeaderboardQuery),
    async (c) => preparedJson(c, answer(LeaderboardAnswer, await getLeaderboard(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query')))),
  )
  .get(
    '/public/households/:id/rank',
    describeRoute(doc({ tags: ['public'], zh: '农户在本乡镇的文明积分与名次（无需登录，不含姓名）', en: "A household's conduct score and rank in its township for a period (no login, no name)", access: 'public', ok: { status: 200, schema: HouseholdRankAnswer }, errors: ['not_found'] })),
    valid('param', IdParam),
    valid('query', RankQuery),
    async (c) => c.json(answer(HouseholdRankAnswer, await getHouseholdRank(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query'))), 200),
  )
  .get(
    '/public/villages/:id/ledger',
    describeRoute(doc({ tags: ['public'], zh: '村账本的公开部分：不含姓名，按序号分页（无需登录）', en: "A village chain's public, name-free ledger by seq range, 1000 entries a page (no login)", access: 'public', ok: { status: 200, schema: PublicLedgerAnswer }, errors: ['not_found'] })),
    valid('param', IdParam),
    valid('query', LedgerRangeQuery),
    async (c) => c.json(answer(PublicLedgerAnswer, await listVillageLedger(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query'))), 200),
  );
