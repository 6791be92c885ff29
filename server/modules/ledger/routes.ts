import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { adjustBalance } from './adjustBalance';
import { getHouseholdLedger } from './getHouseholdLedger';
import { reverseEntry } from './reverseEntry';
import { AdjustBody, LedgerQuery, ReverseBody } from './schemas';

const EntryIdParam = IdParam;

export const ledgerRoutes = new Hono<AppEnv>()
  .get(
    '/households/:id/ledger',
    describeRoute({ tags: ['ledger'], summary: "A household's balance and ledger entries" }),
    allow(...allRoles),
    valid('param', IdParam),
    valid('query', LedgerQuery),
    (c) => c.json(getHouseholdLedger(ctxOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .post(
    '/ledger/:id/reverse',
    describeRoute({ tags: ['ledger'], summary: 'Undo an entry with a reversing entry' }),
    allow('county_admin', 'township_admin', 'village_cadre'),
    valid('param', EntryIdParam),
    valid('json', ReverseBody),
    (c) => c.json(reverseEntry(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 201),
  )
  .post(
    '/households/:id/adjust',
    describeRoute({ tags: ['ledger'], summary: 'Manual balance adjustment (county administrators)' }),
    allow('county_admin'),
    valid('param', IdParam),
    valid('json', AdjustBody),
    (c) => c.json(adjustBalance(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );
