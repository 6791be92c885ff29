import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { storekeeperRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { createGoods } from './createGoods';
import { listGoods } from './listGoods';
import { listMovements } from './listMovements';
import { receiveStock } from './receiveStock';
import { GoodsAnswer, GoodsListAnswer, MovementListAnswer, StockAnswer } from './responses';
import { CreateGoodsBody, ListGoodsQuery, ListMovementsQuery, StockBody, UpdateGoodsBody } from './schemas';
import { updateGoods } from './updateGoods';

const storekeepers = storekeeperRoles;

export const goodsRoutes = new Hono<AppEnv>()
  .get('/goods', describeRoute(doc({ tags: ['goods'], zh: '商品及其积分价格与库存', en: 'Goods with price and stock', access: 'session', ok: { status: 200, schema: GoodsListAnswer }, errors: ['invalid_store', 'not_found'] })), allow(...allRoles), valid('query', ListGoodsQuery), async (c) =>
    c.json(answer(GoodsListAnswer, await listGoods(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post('/goods', describeRoute(doc({ tags: ['goods'], zh: '在超市上架新商品', en: 'List new goods in a store', ok: { status: 201, schema: GoodsAnswer }, errors: ['invalid_store', 'not_found'] })), allow(...storekeepers), valid('json', CreateGoodsBody), async (c) =>
    c.json(answer(GoodsAnswer, await createGoods(ctxOf(c), c.req.valid('json'))), 201),
  )
  .patch('/goods/:id', describeRoute(doc({ tags: ['goods'], zh: '修改商品信息（不含库存）', en: 'Edit goods (not stock)', ok: { status: 200, schema: GoodsAnswer }, errors: ['invalid_store', 'not_found'] })), allow(...storekeepers), valid('param', IdParam), valid('json', UpdateGoodsBody), async (c) =>
    c.json(answer(GoodsAnswer, await updateGoods(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .post(
    '/goods/:id/stock',
    describeRoute(doc({ tags: ['goods'], zh: '入库（采购、捐赠）或报损', en: 'Receive (purchase, donation) or write off (loss) stock', ok: { status: 200, schema: StockAnswer }, errors: ['insufficient_stock', 'invalid_store', 'not_found'] })),
    allow(...storekeepers),
    valid('param', IdParam),
    valid('json', StockBody),
    async (c) => c.json(answer(StockAnswer, await receiveStock(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .get('/stock-movements', describeRoute(doc({ tags: ['goods'], zh: '库存变动记录', en: 'Stock movements', ok: { status: 200, schema: MovementListAnswer }, errors: ['invalid_store', 'not_found'] })), allow(...storekeepers), valid('query', ListMovementsQuery), async (c) =>
    c.json(answer(MovementListAnswer, await listMovements(ctxOf(c), c.req.valid('query'))), 200),
  );
