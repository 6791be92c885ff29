import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { storekeeperRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { createGoods } from './createGoods';
import { listGoods } from './listGoods';
import { listMovements } from './listMovements';
import { receiveStock } from './receiveStock';
import { CreateGoodsBody, ListGoodsQuery, ListMovementsQuery, StockBody, UpdateGoodsBody } from './schemas';
import { updateGoods } from './updateGoods';

const storekeepers = storekeeperRoles;

export const goodsRoutes = new Hono<AppEnv>()
  .get('/goods', describeRoute({ tags: ['goods'], summary: 'Goods with price and stock' }), allow(...allRoles), valid('query', ListGoodsQuery), async (c) =>
    c.json(await listGoods(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/goods', describeRoute({ tags: ['goods'], summary: 'List new goods in a store' }), allow(...storekeepers), valid('json', CreateGoodsBody), async (c) =>
    c.json(await createGoods(ctxOf(c), c.req.valid('json')), 201),
  )
  .patch('/goods/:id', describeRoute({ tags: ['goods'], summary: 'Edit goods (not stock)' }), allow(...storekeepers), valid('param', IdParam), valid('json', UpdateGoodsBody), async (c) =>
    c.json(await updateGoods(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .post(
    '/goods/:id/stock',
    describeRoute({ tags: ['goods'], summary: 'Receive (purchase, donation) or write off (loss) stock' }),
    allow(...storekeepers),
    valid('param', IdParam),
    valid('json', StockBody),
    async (c) => c.json(await receiveStock(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .get('/stock-movements', describeRoute({ tags: ['goods'], summary: 'Stock movements' }), allow(...storekeepers), valid('query', ListMovementsQuery), async (c) =>
    c.json(await listMovements(ctxOf(c), c.req.valid('query')), 200),
  );
