import QRCode from 'qrcode';
import { readDb } from '../../../db/client';
import { insertPassCode, prunePassCodes } from '../../../db/counter/passCodes';
import { transaction } from '../../../db/transaction';
import { writeAudit, type AuditAction } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { NotFound, Unprocessable } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import { createPassDigits, createPassToken, groupDigits, passDigitsDigest } from './passToken';

async function passFor(ctx: Ctx, householdId: number, audit: { action: AuditAction; after: Record<string, unknown> }) {
  const h = await getHouseholdInScope(readDb(ctx.db), ctx.actor, householdId);
  if (h.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
  const expiresAt = ctx.now.getTime() + ctx.config.passTtlSeconds * 1000;
  // The token carries expiry in whole seconds; report the same instant the server will enforce.
  const expiresAtSecond = Math.floor(expiresAt / 1000) * 1000;
  const { token, nonce } = createPassToken(ctx.config.passSecret, h.id, expiresAt);
  const at = ctx.now.getTime();
  // The row names who asked for a code and when, never the code: an audit reader must not be able to spend it.
  const digits = await transaction(ctx.db, async (tx) => {
    await prunePassCodes(tx, at);
    // The typed twin spends the same nonce and expires with it; a digest already live (1 in 10^16) draws again.
    let drawn = createPassDigits();
    while (!(await insertPassCode(tx, { digest: passDigitsDigest(ctx.config.passSecret, drawn), nonce, householdId: h.id, expiresAt: expiresAtSecond }))) drawn = createPassDigits();
    await writeAudit(tx, ctx, { entity: 'household', entityId: h.id, action: audit.action, areaId: h.villageId, after: { ...audit.after, expiresAt: expiresAtSecond } });
    return drawn;
  });
  const svg = await QRCode.toString(token, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { code: token, digits, digitsGrouped: groupDigits(digits), expiresAt: expiresAtSecond, ttlSeconds: ctx.config.passTtlSeconds, svg };
}

/**
 * A one-time code for the counter, valid for a minute, asked for by the household's own account (which
 * the household or its named proxy holds). Several may be live at once (two phones in one family); each
 * can be spent once. Nothing but the audit row is stored until it is spent.
 */
export async function issuePass(ctx: Ctx, householdId: number) {
  // Only the household itself: staff reach a household's code only through the assisted path below.
  if (ctx.actor.role !== 'household' || ctx.actor.householdId !== householdId) throw new NotFound('农户不存在');
  return { ...(await passFor(ctx, householdId, { action: 'household.pass', after: { assisted: false } })), assisted: false as const };
}

/**
 * 代为出示: a village cadre shows the code for a household that cannot (no phone, bedridden). The reason
 * is required, audited, and shown to the household on its own page with the cadre's name.
 */
export async function issueAssistedPass(ctx: Ctx, householdId: number, reason: string) {
  return { ...(await passFor(ctx, householdId, { action: 'household.assisted_pass', after: { assisted: true, reason } })), assisted: true as const };
}
