import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type Rule = InferResponseType<typeof api.rules.$get, 200>['items'][number];
export type CreateRuleBody = InferRequestType<typeof api.rules.$post>['json'];
export type UpdateRuleBody = InferRequestType<(typeof api.rules)[':id']['$patch']>['json'];
export type RuleCategory = Rule['category'];

export const ruleCategories: readonly RuleCategory[] = ['public_welfare', 'hygiene', 'family_virtue', 'civility', 'law_abiding', 'industrious', 'education'];

export async function listRules(areaId?: number, includeInactive = false) {
  const query: { areaId?: string; includeInactive?: '0' | '1' } = { includeInactive: includeInactive ? '1' : '0' };
  if (areaId) query.areaId = String(areaId);
  const res = await call(api.rules.$get({ query }));
  return res.items;
}

export function createRule(body: CreateRuleBody) {
  return call(api.rules.$post({ json: body }));
}

export function updateRule(id: number, body: UpdateRuleBody) {
  return call(api.rules[':id'].$patch({ param: { id: String(id) }, json: body }));
}
