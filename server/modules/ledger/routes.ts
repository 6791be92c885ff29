import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { adminRoles, allRoles, managerRoles } from '../../lib/roles';
import { adjustBalance } from './adjustBalance';
import { expirePoints } from './expirePoints';
import { getHouseholdLedger } from './getHouseholdLedger';
import { reverseEntry } from './reverseEntry';
import { AdjustBody, LedgerQuery, ReverseBody } from './schemas';

export const ledgerRoutes = new Hono<AppEnv>()
  .get(
    '/households/:id/ledger',
    describeRoute({ tags: ['ledger'], summary: "A household's balance and ledger entries" }),
    allow(...allRoles),
    valid('param', IdParam),
    valid('query', LedgerQuery),
    async (c) => c.json(await getHouseholdLedger(ctxOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .post(
    '/ledger/:id/reverse',
    describeRoute({ tags: ['ledger'], summary: 'Undo an entry with a reversing entry' }),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', ReverseBody),
    async (c) => c.json(await reverseEntry(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 201),
  )
  .post(
    '/households/:id/adjust',
    describeRoute({ tags: ['ledger'], summary: 'Manual balance adjustment (county administrators)' }),
    allow('county_admin'),
    valid('param', IdParam),
    valid('json', AdjustBody),
    async (c) => c.json(await adjustBalance(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post('/ledger/expire', describeRoute({ tags: ['ledger'], summary: 'Expire points past the area rule now (also runs daily)' }), allow(...adminRoles), async (c) => {
    const ctx = ctxOf(c);
    return c.json(await expirePoints(ctx, { areaPath: ctx.actor.areaPath, actor: ctx.actor }), 200);
  });
