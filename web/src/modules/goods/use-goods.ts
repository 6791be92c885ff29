import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type GoodsRow = InferResponseType<typeof api.goods.$get, 200>['items'][number];
export type CreateGoodsBody = InferRequestType<typeof api.goods.$post>['json'];
export type StockBody = InferRequestType<(typeof api.goods)[':id']['stock']['$post']>['json'];

export function listGoods(query: { storeAreaId?: number; q?: string; limit: number; offset: number }) {
  const wire: { storeAreaId?: string; q?: string; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.storeAreaId) wire.storeAreaId = String(query.storeAreaId);
  if (query.q?.trim()) wire.q = query.q.trim();
  return call(api.goods.$get({ query: wire }));
}

/** All goods a store (or the actor's stores) lists, fetched page by page. */
export async function listAllGoods(storeAreaId?: number): Promise<GoodsRow[]> {
  const all: GoodsRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await listGoods({ storeAreaId, limit: 500, offset });
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.total) return all;
  }
}

export function createGoods(body: CreateGoodsBody) {
  return call(api.goods.$post({ json: body }));
}

export function receiveStock(goodsId: number, body: StockBody) {
  return call(api.goods[':id'].stock.$post({ param: { id: String(goodsId) }, json: body }));
}

export type MovementRow = InferResponseType<(typeof api)['stock-movements']['$get'], 200>['items'][number];

export function listMovements(query: { goodsId?: number; limit: number; offset: number }) {
  const wire: { goodsId?: string; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.goodsId) wire.goodsId = String(query.goodsId);
  return call(api['stock-movements'].$get({ query: wire }));
}
