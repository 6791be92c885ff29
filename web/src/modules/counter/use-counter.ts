import type { InferResponseType } from 'hono/client';
import { api, call, newIdempotencyKey } from '../../api/client';
import { CheckoutKeys } from './cart';

export type Lookup = InferResponseType<typeof api.counter.lookup.$post, 200>;
export type Redemption = InferResponseType<typeof api.redemptions.$post, 201>;

export function lookupCode(code: string, pin?: string) {
  return call(api.counter.lookup.$post({ json: pin ? { code, pin } : { code } }));
}

export const checkoutKeys = new CheckoutKeys(newIdempotencyKey);

export function redeem(body: { code: string; pin?: string; items: { goodsId: number; quantity: number }[] }) {
  const key = checkoutKeys.keyFor(body);
  return call(api.redemptions.$post({ json: body }, { headers: { 'Idempotency-Key': key } }));
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
