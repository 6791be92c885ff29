import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { adminRoles, allRoles, managerRoles } from '../../lib/roles';
import { adjustBalance } from './adjustBalance';
import { expirePoints } from './expirePoints';
import { getHouseholdLedger } from './getHouseholdLedger';
import { reverseEntry } from './reverseEntry';
import { AdjustmentAnswer, ExpiryRunAnswer, HouseholdLedgerAnswer, ReversalAnswer } from './responses';
import { AdjustBody, LedgerQuery, ReverseBody } from './schemas';

export const ledgerRoutes = new Hono<AppEnv>()
  .get(
    '/households/:id/ledger',
    describeRoute(doc({ tags: ['ledger'], zh: '农户的积分余额与流水', en: "A household's balance and ledger entries", access: 'session', ok: { status: 200, schema: HouseholdLedgerAnswer }, errors: ['not_found'] })),
    allow(...allRoles),
    valid('param', IdParam),
    valid('query', LedgerQuery),
    async (c) => c.json(answer(HouseholdLedgerAnswer, await getHouseholdLedger(ctxOf(c), c.req.valid('param').id, c.req.valid('query'))), 200),
  )
  .post(
    '/ledger/:id/reverse',
    describeRoute(doc({ tags: ['ledger'], zh: '冲正一条流水', en: 'Undo an entry with a reversing entry', ok: { status: 201, schema: ReversalAnswer }, errors: ['already_reversed', 'not_found', 'not_reversible', 'not_within_authority'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', ReverseBody),
    async (c) => c.json(answer(ReversalAnswer, await reverseEntry(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 201),
  )
  .post(
    '/households/:id/adjust',
    describeRoute(doc({ tags: ['ledger'], zh: '手工调整余额（县级管理员）', en: 'Manual balance adjustment (county administrators)', ok: { status: 201, schema: AdjustmentAnswer }, errors: ['not_found'] })),
    allow('county_admin'),
    valid('param', IdParam),
    valid('json', AdjustBody),
    async (c) => c.json(answer(AdjustmentAnswer, await adjustBalance(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  )
  .post('/ledger/expire', describeRoute(doc({ tags: ['ledger'], zh: '立即按区域规则清零过期积分（每日也会自动执行）', en: 'Expire points past the area rule now (also runs daily)', noInput: true, ok: { status: 200, schema: ExpiryRunAnswer } })), allow(...adminRoles), async (c) => {
    const ctx = ctxOf(c);
    return c.json(answer(ExpiryRunAnswer, await expirePoints(ctx, { areaPath: ctx.actor.areaPath, actor: ctx.actor })), 200);
  });
