import QRCode from 'qrcode';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import { createPassToken } from './passToken';

/**
 * A one-time code for the counter, valid for a minute. Several may be live at once (two phones in one
 * family); each can be spent once. Nothing is stored until it is spent.
 */
export async function issuePass(ctx: Ctx, householdId: number) {
  const h = getHouseholdInScope(ctx, householdId);
  if (h.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
  const expiresAt = ctx.now.getTime() + ctx.config.passTtlSeconds * 1000;
  const { token } = createPassToken(ctx.config.passSecret, h.id, expiresAt);
  const svg = await QRCode.toString(token, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  // The token carries expiry in whole seconds; report the same instant the server will enforce.
  return { code: token, expiresAt: Math.floor(expiresAt / 1000) * 1000, ttlSeconds: ctx.config.passTtlSeconds, svg };
}
