import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type ListingRow = InferResponseType<typeof api.dishonesty.$get, 200>['items'][number];
export type ListingStatus = ListingRow['status'];
export type ListingReason = ListingRow['reason'];
export type ProposeListingBody = InferRequestType<typeof api.dishonesty.$post>['json'];
export type MyListings = InferResponseType<typeof api.dishonesty.mine.$get, 200>;

export const listingReasons: readonly ListingReason[] = ['fraudulent_claim', 'concealment', 'refuses_support', 'public_order', 'other'];
export const listingStatuses: readonly ListingStatus[] = ['proposed', 'listed', 'removal_proposed', 'rejected', 'removed'];

export function listListings(query: { status?: ListingStatus; householdId?: number; limit: number; offset: number }) {
  const wire: { status?: ListingStatus; householdId?: string; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.status) wire.status = query.status;
  if (query.householdId) wire.householdId = String(query.householdId);
  return call(api.dishonesty.$get({ query: wire }));
}

export function proposeListing(body: ProposeListingBody) {
  return call(api.dishonesty.$post({ json: body }));
}

export function decideListing(id: number, decision: 'approve' | 'reject', note: string) {
  return call(api.dishonesty[':id'].decision.$post({ param: { id: String(id) }, json: { decision, note } }));
}

export function proposeRemoval(id: number, reason: string) {
  return call(api.dishonesty[':id'].removal.$post({ param: { id: String(id) }, json: { reason } }));
}

export function myListings() {
  return call(api.dishonesty.mine.$get());
}

/** Whether a listing awaits a decision (of listing or of removal). */
export function awaitsDecision(status: ListingStatus): boolean {
  return status === 'proposed' || status === 'removal_proposed';
}
