import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import QRCode from 'qrcode';
import { householdCards } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { getHouseholdInScopeSync } from '../../lib/scope';
import { hashPin } from './cardPin';

/**
 * Issues a printed card (static code + PIN) for a household without a phone; any earlier card is revoked.
 * The audit rows name the household but never the code or PIN: whoever reads the log cannot spend with it.
 * The household's page lists card changes made by staff (see ledger/householdNotices.ts).
 */
export async function issueCard(ctx: Ctx, householdId: number, pin: string) {
  const h = getHouseholdInScopeSync(ctx, householdId);
  const pinHash = await hashPin(pin);
  const code = `C1.${randomBytes(12).toString('base64url')}`;
  const at = ctx.now.getTime();
  const card = ctx.db.transaction((tx) => {
    const replaced = tx
      .update(householdCards)
      .set({ revokedAt: at })
      .where(and(eq(householdCards.householdId, householdId), isNull(householdCards.revokedAt)))
      .returning({ id: householdCards.id })
      .all()
      .map((r) => r.id);
    const row = tx.insert(householdCards).values({ householdId, code, pinHash, createdBy: ctx.actor.userId, createdAt: at }).returning().get();
    writeAudit(tx, ctx, { entity: 'card', entityId: row.id, action: 'card.issue', areaId: h.villageId, after: { householdId, replacedCardIds: replaced } });
    return row;
  });
  const svg = await QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { id: card.id, householdId, code, svg, headName: h.headName, doorNo: h.doorNo };
}

function loadCard(ctx: Ctx, cardId: number) {
  const card = ctx.db.select().from(householdCards).where(eq(householdCards.id, cardId)).get();
  if (!card) throw new NotFound('卡片不存在', 'card_not_found');
  const h = getHouseholdInScopeSync(ctx, card.householdId);
  return { card, h };
}

export function revokeCard(ctx: Ctx, cardId: number) {
  const { card, h } = loadCard(ctx, cardId);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    tx.update(householdCards).set({ revokedAt: card.revokedAt ?? at }).where(eq(householdCards.id, cardId)).run();
    writeAudit(tx, ctx, { entity: 'card', entityId: cardId, action: 'card.revoke', areaId: h.villageId, before: { revokedAt: card.revokedAt }, after: { householdId: h.id } });
    return { id: cardId, revoked: true };
  });
}

export function unlockCard(ctx: Ctx, cardId: number) {
  const { card, h } = loadCard(ctx, cardId);
  return ctx.db.transaction((tx) => {
    tx.update(householdCards).set({ lockedAt: null, failedAttempts: 0 }).where(eq(householdCards.id, cardId)).run();
    writeAudit(tx, ctx, { entity: 'card', entityId: cardId, action: 'card.unlock', areaId: h.villageId, before: { lockedAt: card.lockedAt, failedAttempts: card.failedAttempts }, after: { householdId: h.id } });
    return { id: cardId, locked: false };
  });
}
