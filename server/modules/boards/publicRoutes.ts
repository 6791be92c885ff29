import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { z } from 'zod';
import { publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { preparedJson, servePrepared } from '../../lib/preparedJson';
import { getPublicHouseholdStars } from './getHouseholdStars';
import { getLiveBoard } from './getLiveBoard';
import { getPublicPublication, getPublishedBoard } from './getPublishedBoard';
import { getHonourRoll, listDonations } from './listDonations';
import { listNotices } from './listNotices';
import { DonationsAnswer, HonourRollAnswer, LiveBoardAnswer, NoticesAnswer, PublicHouseholdStarsAnswer, PublicPublicationAnswer, PublishedBoardAnswer } from './responses';
import { BoardQuery, DonationsQuery, KindAreaParam, PublishedQuery, YearQuery } from './schemas';

const tags = ['public'];
const LiveKindParam = z.object({ kind: z.enum(['leaderboard', 'villages']), id: IdParam.shape.id });

/** Boards anyone can read without logging in: masked names, never a phone or ID number. */
export const boardPublicRoutes = new Hono<AppEnv>()
  .get('/public/areas/:id/published/:kind', describeRoute(doc({ tags, zh: '区域某期最新发布的榜单及其各版本（无需登录）', en: 'Latest published board of an area and period, with its versions (no login)', access: 'public', etag: true, ok: { status: 200, schema: PublishedBoardAnswer }, errors: ['not_found', 'wrong_area_kind'] })), servePrepared, valid('param', KindAreaParam), valid('query', PublishedQuery), async (c) => {
    const { kind, id } = c.req.valid('param');
    return preparedJson(c, answer(PublishedBoardAnswer, await getPublishedBoard(publicCtxOf(c), kind, id, c.req.valid('query').period)));
  })
  .get('/public/publications/:id', describeRoute(doc({ tags, zh: '某一发布版本及其哈希校验（无需登录）', en: 'One published board version, with its hash check (no login)', access: 'public', etag: true, ok: { status: 200, schema: PublicPublicationAnswer }, errors: ['not_found'] })), servePrepared, valid('param', IdParam), async (c) =>
    preparedJson(c, answer(PublicPublicationAnswer, await getPublicPublication(publicCtxOf(c), c.req.valid('param').id))),
  )
  .get('/public/areas/:id/live/:kind', describeRoute(doc({ tags, zh: '即时计算的排行榜（可按类别）或村庄对比（无需登录）', en: 'Leaderboard (optionally by category) or village comparison, computed now (no login)', access: 'public', ok: { status: 200, schema: LiveBoardAnswer }, errors: ['not_found', 'wrong_area_kind'] })), valid('param', LiveKindParam), valid('query', BoardQuery), async (c) => {
    const { kind, id } = c.req.valid('param');
    return c.json(answer(LiveBoardAnswer, await getLiveBoard(publicCtxOf(c), kind, id, c.req.valid('query'))), 200);
  })
  .get('/public/areas/:id/notices', describeRoute(doc({ tags, zh: '公示期内的积分申报（按村，无需登录）', en: 'Awards on public notice (公示), per village (no login)', access: 'public', ok: { status: 200, schema: NoticesAnswer }, errors: ['not_found'] })), valid('param', IdParam), async (c) =>
    c.json(answer(NoticesAnswer, await listNotices(publicCtxOf(c), c.req.valid('param').id)), 200),
  )
  .get('/public/areas/:id/donations', describeRoute(doc({ tags, zh: '捐赠公示及捐赠物资去向（无需登录）', en: 'Donation disclosure with where donated goods went (no login)', access: 'public', ok: { status: 200, schema: DonationsAnswer }, errors: ['not_found'] })), valid('param', IdParam), valid('query', DonationsQuery), async (c) =>
    c.json(answer(DonationsAnswer, await listDonations(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query'))), 200),
  )
  .get('/public/areas/:id/honour-roll', describeRoute(doc({ tags, zh: '企业扶贫光荣榜（无需登录）', en: 'Enterprise and organisation honour roll (no login)', access: 'public', ok: { status: 200, schema: HonourRollAnswer }, errors: ['not_found'] })), valid('param', IdParam), valid('query', YearQuery), async (c) =>
    c.json(answer(HonourRollAnswer, await getHonourRoll(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year)), 200),
  )
  .get('/public/households/:id/stars', describeRoute(doc({ tags, zh: '农户已发布的星级（公开星级页，无需登录）', en: "A household's published stars (public star page, no login)", access: 'public', ok: { status: 200, schema: PublicHouseholdStarsAnswer }, errors: ['not_found', 'wrong_area_kind'] })), valid('param', IdParam), valid('query', YearQuery), async (c) =>
    c.json(answer(PublicHouseholdStarsAnswer, await getPublicHouseholdStars(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year)), 200),
  );
