import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type ProposeAwardBody = InferRequestType<typeof api.awards.$post>['json'];
export type ProposeBatchBody = InferRequestType<typeof api.awards.batch.$post>['json'];
export type AwardRow = InferResponseType<typeof api.awards.$get, 200>['items'][number];
export type AwardStatus = AwardRow['status'];
export type ObjectionRow = InferResponseType<typeof api.objections.$get, 200>['items'][number];
export type ObjectionDecision = InferRequestType<(typeof api.objections)[':id']['resolve']['$post']>['json']['decision'];

export function proposeAward(body: ProposeAwardBody) {
  return call(api.awards.$post({ json: body }));
}

export function proposeBatch(body: ProposeBatchBody) {
  return call(api.awards.batch.$post({ json: body }));
}

export function listAwards(query: { status?: AwardStatus; villageId?: number; householdId?: number; limit: number; offset: number }) {
  const wire: { status?: AwardStatus; villageId?: string; householdId?: string; limit: string; offset: string } = {
    limit: String(query.limit),
    offset: String(query.offset),
  };
  if (query.status) wire.status = query.status;
  if (query.villageId) wire.villageId = String(query.villageId);
  if (query.householdId) wire.householdId = String(query.householdId);
  return call(api.awards.$get({ query: wire }));
}

export function approveAward(id: number) {
  return call(api.awards[':id'].approve.$post({ param: { id: String(id) } }));
}

export function approveMany(ids: number[]) {
  return call(api.awards.approve.$post({ json: { ids } }));
}

export function rejectAward(id: number, reason: string) {
  return call(api.awards[':id'].reject.$post({ param: { id: String(id) }, json: { reason } }));
}

export function objectToAward(id: number, reason: string) {
  return call(api.awards[':id'].objections.$post({ param: { id: String(id) }, json: { reason } }));
}

export function listObjections(query: { status?: 'open' | 'upheld' | 'dismissed'; limit: number; offset: number }) {
  const wire: { status?: 'open' | 'upheld' | 'dismissed'; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.status) wire.status = query.status;
  return call(api.objections.$get({ query: wire }));
}

export function resolveObjection(id: number, decision: ObjectionDecision, resolution: string) {
  return call(api.objections[':id'].resolve.$post({ param: { id: String(id) }, json: { decision, resolution } }));
}
