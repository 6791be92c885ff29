import type { InferResponseType } from 'hono/client';
import { api, ApiError, call, newIdempotencyKey } from '../../api/client';
import { CheckoutKeys } from './cart';

export type Lookup = InferResponseType<typeof api.counter.lookup.$post, 200>;
export type Redemption = InferResponseType<typeof api.redemptions.$post, 201>;
export type RecentRedemption = InferResponseType<typeof api.redemptions.$get, 200>['items'][number];
export type Receipt = InferResponseType<(typeof api.redemptions)[':id']['$get'], 200>;

export function lookupCode(code: string, pin?: string) {
  return call(api.counter.lookup.$post({ json: pin ? { code, pin } : { code } }));
}

export const checkoutKeys = new CheckoutKeys(newIdempotencyKey);

export function redeem(body: { code: string; pin?: string; items: { goodsId: number; quantity: number }[] }) {
  const key = checkoutKeys.keyFor(body);
  return call(api.redemptions.$post({ json: body }, { headers: { 'Idempotency-Key': key } }));
}

/** The store's redemptions of today, newest first (the server limits a clerk to its own store). */
export function todaysRedemptions() {
  return call(api.redemptions.$get({ query: { today: '1', limit: '30' } }));
}

export function getReceipt(id: number) {
  return call(api.redemptions[':id'].$get({ param: { id: String(id) } }));
}

/** Which redemption spent a code, when the server tells this clerk (its own store's). */
export function usedBy(err: unknown): { redemptionId: number; at: number; storeName: string } | null {
  if (!(err instanceof ApiError) || err.code !== 'code_used') return null;
  const d = err.details as { redemptionId?: unknown; at?: unknown; storeName?: unknown } | undefined;
  if (!d || typeof d.redemptionId !== 'number' || typeof d.at !== 'number') return null;
  return { redemptionId: d.redemptionId, at: d.at, storeName: typeof d.storeName === 'string' ? d.storeName : '' };
}

/** Pulls the household code out of whatever the camera read: a bare token, or a URL carrying it. */
export function extractCode(scanned: string): string {
  const s = scanned.trim();
  try {
    const url = new URL(s);
    return url.searchParams.get('code') ?? url.pathname.split('/').filter(Boolean).pop() ?? s;
  } catch {
    return s;
  }
}
