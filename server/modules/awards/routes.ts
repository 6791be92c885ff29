import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { adminRoles, consoleRoles, managerRoles, reviewerRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { approveAward, approveMany } from './approveAward';
import { getAward } from './getAward';
import { getAwardRecord } from './getAwardRecord';
import { listAwards } from './listAwards';
import { listObjections } from './listObjections';
import { objectToAward } from './objectToAward';
import { postDueAwards } from './postDueAwards';
import { proposeAward } from './proposeAward';
import { proposeBatch } from './proposeBatch';
import { rejectAward } from './rejectAward';
import { resolveObjection } from './resolveObjection';
import {
  ApprovalAnswer,
  AwardDetailAnswer,
  AwardListAnswer,
  AwardRecordAnswer,
  BulkApprovalAnswer,
  ObjectionAnswer,
  ObjectionListAnswer,
  PostDueAnswer,
  ProposedAwardAnswer,
  ProposedBatchAnswer,
  RejectedAwardAnswer,
  ResolvedObjectionAnswer,
} from './responses';
import { BulkApproveBody, ListAwardsQuery, ListObjectionsQuery, ProposeAwardBody, ProposeBatchBody, ReasonBody, ResolveObjectionBody } from './schemas';

const proposers = managerRoles;
const reviewers = reviewerRoles;
const objectors = ['household', 'village_cadre', 'reviewer'] as const;

export const awardRoutes = new Hono<AppEnv>()
  .get('/awards', describeRoute(doc({ tags: ['awards'], zh: '积分申报列表（按状态、村、农户或批次）', en: 'Awards by status, village, household or batch', access: 'session', ok: { status: 200, schema: AwardListAnswer }, errors: ['not_found'] })), allow(...allRoles), valid('query', ListAwardsQuery), async (c) =>
    c.json(answer(AwardListAnswer, await listAwards(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post('/awards', describeRoute(doc({ tags: ['awards'], zh: '为一户申报积分', en: 'Propose points for one household', ok: { status: 201, schema: ProposedAwardAnswer }, errors: ['evidence_required', 'future_date', 'household_archived', 'monthly_cap_exceeded', 'not_found', 'unknown_evidence', 'unknown_heading'] })), allow(...proposers), valid('json', ProposeAwardBody), async (c) =>
    c.json(answer(ProposedAwardAnswer, await proposeAward(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post('/awards/batch', describeRoute(doc({ tags: ['awards'], zh: '批量申报（全部成功或全部不提交）', en: 'Propose awards for many households (a rule per row or one for all), all or nothing', ok: { status: 201, schema: ProposedBatchAnswer }, errors: ['duplicate_household', 'evidence_required', 'future_date', 'household_archived', 'monthly_cap_exceeded', 'not_found', 'unknown_evidence', 'unknown_heading'] })), allow(...proposers), valid('json', ProposeBatchBody), async (c) =>
    c.json(answer(ProposedBatchAnswer, await proposeBatch(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post('/awards/approve', describeRoute(doc({ tags: ['awards'], zh: '一次批准多条待审申报', en: 'Approve many pending awards at once', ok: { status: 200, schema: BulkApprovalAnswer }, errors: ['invalid_status', 'not_found', 'own_proposal'] })), allow(...reviewers), valid('json', BulkApproveBody), async (c) =>
    c.json(answer(BulkApprovalAnswer, { items: await approveMany(ctxOf(c), c.req.valid('json').ids) }), 200),
  )
  .post('/awards/post-due', describeRoute(doc({ tags: ['awards'], zh: '入账本区域公示期满的申报（每分钟也会自动执行）', en: 'Post awards in your area whose notice has ended (also runs every minute)', noInput: true, ok: { status: 200, schema: PostDueAnswer } })), allow(...adminRoles), async (c) =>
    c.json(answer(PostDueAnswer, await postDueAwards(ctxOf(c))), 200),
  )
  .get('/awards/:id', describeRoute(doc({ tags: ['awards'], zh: '一条申报及其异议', en: 'One award with its objections (a household: an award on notice in its village)', access: 'session', ok: { status: 200, schema: AwardDetailAnswer }, errors: ['not_found'] })), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(answer(AwardDetailAnswer, await getAward(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .get('/awards/:id/record', describeRoute(doc({ tags: ['awards'], zh: '一条申报的完整记录：农户、规则与类别、经过、照片、积分流水', en: "One award's record: household, rule and heading, its history, photos and the ledger entries it made (a household: its own, without staff notes)", ok: { status: 200, schema: AwardRecordAnswer }, errors: ['not_found'] })), allow(...consoleRoles, 'household'), valid('param', IdParam), async (c) =>
    c.json(answer(AwardRecordAnswer, await getAwardRecord(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/awards/:id/approve', describeRoute(doc({ tags: ['awards'], zh: '批准：进入公示，或直接入账', en: 'Approve: public notice, or post at once', ok: { status: 200, schema: ApprovalAnswer }, errors: ['invalid_status', 'not_found', 'own_proposal'] })), allow(...reviewers), valid('param', IdParam), async (c) =>
    c.json(answer(ApprovalAnswer, await approveAward(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/awards/:id/reject', describeRoute(doc({ tags: ['awards'], zh: '驳回（须说明理由）', en: 'Reject with a reason', ok: { status: 200, schema: RejectedAwardAnswer }, errors: ['invalid_status', 'not_found', 'own_proposal'] })), allow(...reviewers), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(answer(RejectedAwardAnswer, await rejectAward(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 200),
  )
  .post('/awards/:id/objections', describeRoute(doc({ tags: ['awards'], zh: '公示期内提出异议', en: 'Object during public notice', ok: { status: 201, schema: ObjectionAnswer }, errors: ['not_found', 'not_on_notice', 'objection_exists'] })), allow(...objectors), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(answer(ObjectionAnswer, await objectToAward(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 201),
  )
  .get('/objections', describeRoute(doc({ tags: ['awards'], zh: '待处理的异议', en: 'Objections to handle', ok: { status: 200, schema: ObjectionListAnswer }, errors: ['not_found'] })), allow(...reviewers, 'village_cadre'), valid('query', ListObjectionsQuery), async (c) =>
    c.json(answer(ObjectionListAnswer, await listObjections(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post(
    '/objections/:id/resolve',
    describeRoute(doc({ tags: ['awards'], zh: '处理异议：成立（退回审核）或驳回', en: 'Uphold (back to review) or dismiss an objection', ok: { status: 200, schema: ResolvedObjectionAnswer }, errors: ['invalid_status', 'not_found', 'own_objection', 'own_proposal'] })),
    allow(...reviewers),
    valid('param', IdParam),
    valid('json', ResolveObjectionBody),
    async (c) => c.json(answer(ResolvedObjectionAnswer, await resolveObjection(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
