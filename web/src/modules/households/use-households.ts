import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type HouseholdListQuery = InferRequestType<typeof api.households.$get>['query'];
export type HouseholdList = InferResponseType<typeof api.households.$get, 200>;
export type HouseholdRow = HouseholdList['items'][number];
export type HouseholdDetail = InferResponseType<(typeof api.households)[':id']['$get'], 200>;
export type CreateHouseholdBody = InferRequestType<typeof api.households.$post>['json'];
export type HouseholdCategory = HouseholdRow['category'];

export const householdCategories: readonly HouseholdCategory[] = ['general', 'poverty_exited', 'monitored', 'dibao', 'wubao'];

/** Query values are strings on the wire; undefined keys are left out so the server applies its defaults. */
export function listHouseholds(query: { villageId?: number; groupId?: number; category?: HouseholdCategory; q?: string; limit: number; offset: number }) {
  const wire: Record<string, string> = { limit: String(query.limit), offset: String(query.offset) };
  if (query.villageId) wire.villageId = String(query.villageId);
  if (query.groupId) wire.groupId = String(query.groupId);
  if (query.category) wire.category = query.category;
  if (query.q?.trim()) wire.q = query.q.trim();
  return call(api.households.$get({ query: wire as HouseholdListQuery }));
}

export function getHousehold(id: number) {
  return call(api.households[':id'].$get({ param: { id: String(id) } }));
}

export function createHousehold(body: CreateHouseholdBody) {
  return call(api.households.$post({ json: body }));
}

/** Mirrors the server's checks so a form can say what is wrong before sending. */
export const MOBILE = /^1[3-9]\d{9}$/;
export function isValidIdNumber(raw: string): boolean {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const checks = '10X98765432';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * weights[i];
  return checks[sum % 11] === id[17];
}

export type ChangeCategoryBody = InferRequestType<(typeof api.households)[':id']['category']['$post']>['json'];
export type MemberBody = InferRequestType<(typeof api.households)[':id']['members']['$post']>['json'];
export type Relation = NonNullable<MemberBody['relation']>;
export const relations: readonly Relation[] = ['spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'];

export function changeCategory(householdId: number, body: ChangeCategoryBody) {
  return call(api.households[':id'].category.$post({ param: { id: String(householdId) }, json: body }));
}

export function addMember(householdId: number, body: MemberBody) {
  return call(api.households[':id'].members.$post({ param: { id: String(householdId) }, json: body }));
}
