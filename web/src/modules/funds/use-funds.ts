import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type Statement = InferResponseType<typeof api.funds.statement.$get, 200>;
export type FundEntryRow = InferResponseType<typeof api.funds.$get, 200>['items'][number];
export type FundingBody = InferRequestType<typeof api.funds.$post>['json'];
export type FundSource = FundingBody['source'];
export const fundSources: readonly FundSource[] = ['budget', 'partner', 'donation', 'collective'];

export const getStatement = (storeAreaId: number, month: string) => call(api.funds.statement.$get({ query: { storeAreaId: String(storeAreaId), month } }));

export const listFundEntries = (storeAreaId: number, month: string) =>
  call(api.funds.$get({ query: { storeAreaId: String(storeAreaId), month, limit: '500', offset: '0' } }));

export const recordFunding = (body: FundingBody) => call(api.funds.$post({ json: body }));

export const reverseFundEntry = (id: number, reason: string) => call(api.funds[':id'].reverse.$post({ param: { id: String(id) }, json: { reason } }));

export const statementXlsx = (storeAreaId: number, month: string) => api.exports['statement.xlsx'].$path({ query: { storeAreaId: String(storeAreaId), month } });

/** Fen as 元 with two decimals and thousands separators: 1,234.50. */
export function yuan(fen: number): string {
  // 0 and −0 both read 0.00, never -0.00.
  return (fen === 0 ? 0 : fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
