import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc, xlsx } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { managerRoles, staffRoles, storekeeperRoles } from '../../lib/roles';
import { sendXlsx } from '../excel/sendXlsx';
import { costPurchase } from './costPurchase';
import { exportStatement } from './exportStatement';
import { getStatement } from './getStatement';
import { listFundEntries } from './listFundEntries';
import { recordFunding } from './recordFunding';
import { FundEntryAnswer, FundEntryListAnswer, StatementAnswer } from './responses';
import { reverseFundEntry } from './reverseFundEntry';
import { FundingBody, ListFundsQuery, PurchaseCostBody, ReverseFundBody, StatementQuery } from './schemas';

// Any staff member who may see a store reads its books (a clerk its own store only); money comes in and
// is corrected by cadres and above; a clerk may cost a purchase it received.
export const fundRoutes = new Hono<AppEnv>()
  .get(
    '/funds',
    describeRoute(doc({ tags: ['funds'], zh: '超市资金台账', en: "A store's money entries", ok: { status: 200, schema: FundEntryListAnswer }, errors: ['not_found', 'invalid_store'] })),
    allow(...staffRoles),
    valid('query', ListFundsQuery),
    async (c) => c.json(answer(FundEntryListAnswer, await listFundEntries(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post(
    '/funds',
    describeRoute(
      doc({ tags: ['funds'], zh: '登记资金拨入（分）', en: 'Record money coming into a store, in fen', ok: { status: 201, schema: FundEntryAnswer }, errors: ['not_found', 'invalid_store', 'future_date', 'period_closed'] }),
    ),
    allow(...managerRoles),
    valid('json', FundingBody),
    async (c) => c.json(answer(FundEntryAnswer, await recordFunding(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post(
    '/funds/purchase-costs',
    describeRoute(
      doc({
        tags: ['funds'],
        zh: '为采购入库登记进价和发票',
        en: 'Cost a purchase received without one (supplier, invoice, cost in fen)',
        ok: { status: 201, schema: FundEntryAnswer },
        errors: ['not_found', 'not_a_purchase', 'already_costed'],
      }),
    ),
    allow(...storekeeperRoles),
    valid('json', PurchaseCostBody),
    async (c) => c.json(answer(FundEntryAnswer, await costPurchase(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post(
    '/funds/:id/reverse',
    describeRoute(
      doc({ tags: ['funds'], zh: '冲正一条资金记录', en: 'Reverse a money entry with a reason', ok: { status: 201, schema: FundEntryAnswer }, errors: ['not_found', 'not_reversible', 'already_reversed'] }),
    ),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', ReverseFundBody),
    async (c) => c.json(answer(FundEntryAnswer, await reverseFundEntry(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  )
  .get(
    '/funds/statement',
    describeRoute(doc({ tags: ['funds'], zh: '超市月度对账单', en: "A store's monthly statement", ok: { status: 200, schema: StatementAnswer }, errors: ['not_found', 'invalid_store'] })),
    allow(...staffRoles),
    valid('query', StatementQuery),
    async (c) => c.json(answer(StatementAnswer, await getStatement(ctxOf(c), c.req.valid('query'))), 200),
  )
  .get(
    '/exports/statement.xlsx',
    describeRoute(doc({ tags: ['funds'], zh: '导出月度对账单', en: 'The monthly statement as .xlsx', ok: { status: 200, binary: xlsx('月度对账单') }, errors: ['not_found', 'invalid_store'] })),
    allow(...staffRoles),
    valid('query', StatementQuery),
    async (c) => sendXlsx(c, await exportStatement(ctxOf(c), c.req.valid('query'))),
  );
