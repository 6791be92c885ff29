import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, consoleRoles, managerRoles, reviewerRoles } from '../../lib/roles';
import { getHouseholdStars } from './getHouseholdStars';
import { getPublication } from './getPublication';
import { listPublications } from './listPublications';
import { listRectifications } from './listRectifications';
import { previewBoard } from './previewBoard';
import { proposePublication } from './proposePublication';
import { proposeRectification } from './proposeRectification';
import { approvePublication, rejectPublication } from './reviewPublication';
import { approveRectification, rejectRectification } from './reviewRectification';
import {
  HouseholdStarsAnswer,
  LiveBoardAnswer,
  ProposedPublicationAnswer,
  Publication,
  PublicationDetailAnswer,
  PublicationListAnswer,
  RectificationAnswer,
  RectificationListAnswer,
  RectificationReviewAnswer,
} from './responses';
import { BoardQuery, BoardSpec, KindAreaParam, ListPublicationsQuery, ListRectificationsQuery, ProposeRectificationBody, ReasonBody, YearQuery } from './schemas';

const tags = ['boards'];

/** Staff side of the boards: preview, propose and review publication; record and review rectifications. */
export const boardRoutes = new Hono<AppEnv>()
  .get('/boards/preview/:kind/:id', describeRoute(doc({ tags, zh: '即时计算榜单预览（不保存）', en: 'Compute a board now (nothing stored)', ok: { status: 200, schema: LiveBoardAnswer }, errors: ['not_found', 'wrong_area_kind'] })), allow(...consoleRoles), valid('param', KindAreaParam), valid('query', BoardQuery), async (c) => {
    const { kind, id } = c.req.valid('param');
    return c.json(answer(LiveBoardAnswer, await previewBoard(ctxOf(c), kind, id, c.req.valid('query'))), 200);
  })
  .get('/boards/publications', describeRoute(doc({ tags, zh: '榜单发布申请与已发布版本', en: 'Publication requests and published versions', ok: { status: 200, schema: PublicationListAnswer }, errors: ['not_found', 'wrong_area_kind'] })), allow(...consoleRoles), valid('query', ListPublicationsQuery), async (c) =>
    c.json(answer(PublicationListAnswer, await listPublications(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post('/boards/publications', describeRoute(doc({ tags, zh: '提交榜单发布申请（冻结快照）', en: 'Propose a board for publication (frozen snapshot)', ok: { status: 201, schema: ProposedPublicationAnswer }, errors: ['board_unchanged', 'not_found', 'publication_pending', 'wrong_area_kind'] })), allow(...managerRoles), valid('json', BoardSpec), async (c) =>
    c.json(answer(ProposedPublicationAnswer, await proposePublication(ctxOf(c), c.req.valid('json'))), 201),
  )
  .get('/boards/publications/:id', describeRoute(doc({ tags, zh: '一次发布及其快照', en: 'One publication with its snapshot', ok: { status: 200, schema: PublicationDetailAnswer }, errors: ['not_found', 'wrong_area_kind'] })), allow(...consoleRoles), valid('param', IdParam), async (c) =>
    c.json(answer(PublicationDetailAnswer, await getPublication(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/boards/publications/:id/approve', describeRoute(doc({ tags, zh: '批准发布（须由提交人以外的审核人）', en: 'Publish (a reviewer other than the proposer)', ok: { status: 200, schema: Publication }, errors: ['invalid_status', 'not_found', 'own_proposal', 'wrong_area_kind'] })), allow(...reviewerRoles), valid('param', IdParam), async (c) =>
    c.json(answer(Publication, await approvePublication(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/boards/publications/:id/reject', describeRoute(doc({ tags, zh: '驳回发布申请', en: 'Reject a publication request', ok: { status: 200, schema: Publication }, errors: ['invalid_status', 'not_found', 'own_proposal', 'wrong_area_kind'] })), allow(...reviewerRoles), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(answer(Publication, await rejectPublication(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 200),
  )
  .get('/boards/rectifications', describeRoute(doc({ tags, zh: '黑榜记录的整改', en: 'Rectifications (整改) of black-list entries', ok: { status: 200, schema: RectificationListAnswer }, errors: ['not_found'] })), allow(...consoleRoles), valid('query', ListRectificationsQuery), async (c) =>
    c.json(answer(RectificationListAnswer, await listRectifications(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post('/boards/rectifications', describeRoute(doc({ tags, zh: '登记黑榜扣分的整改', en: 'Record a rectification for a black-list deduction', ok: { status: 201, schema: RectificationAnswer }, errors: ['entry_reversed', 'future_date', 'not_black_listed', 'not_found', 'rectification_exists'] })), allow(...managerRoles), valid('json', ProposeRectificationBody), async (c) =>
    c.json(answer(RectificationAnswer, await proposeRectification(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post('/boards/rectifications/:id/approve', describeRoute(doc({ tags, zh: '批准整改：该记录移出黑榜', en: 'Approve a rectification: the entry leaves the black list', ok: { status: 200, schema: RectificationReviewAnswer }, errors: ['invalid_status', 'not_found', 'own_proposal'] })), allow(...reviewerRoles), valid('param', IdParam), async (c) =>
    c.json(answer(RectificationReviewAnswer, await approveRectification(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/boards/rectifications/:id/reject', describeRoute(doc({ tags, zh: '驳回整改', en: 'Reject a rectification', ok: { status: 200, schema: RectificationReviewAnswer }, errors: ['invalid_status', 'not_found', 'own_proposal'] })), allow(...reviewerRoles), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(answer(RectificationReviewAnswer, await rejectRectification(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 200),
  )
  .get('/boards/stars/household/:id', describeRoute(doc({ tags, zh: '农户某年的星级：即时计算与已发布', en: "A household's stars for a year: computed now and as published", access: 'session', ok: { status: 200, schema: HouseholdStarsAnswer }, errors: ['not_found', 'wrong_area_kind'] })), allow(...allRoles), valid('param', IdParam), valid('query', YearQuery), async (c) =>
    c.json(answer(HouseholdStarsAnswer, await getHouseholdStars(ctxOf(c), c.req.valid('param').id, c.req.valid('query').year)), 200),
  );
