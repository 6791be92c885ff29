import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { readDb } from '../../../db/client';
import { cardById, cardNumberTaken, insertCard, revokeCardRow, revokeLiveCards, unlockCardRow } from '../../../db/counter/cards';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import { hashPin } from './cardPin';
import { createCardNumber } from './passToken';

/**
 * Issues a printed card (static code + PIN) for a household without a phone; any earlier card is revoked.
 * The audit rows name the household but never the code or PIN: whoever reads the log cannot spend with it.
 * The household's page lists card changes made by staff (see ledger/householdNotices.ts).
 */
export async function issueCard(ctx: Ctx, householdId: number, pin: string) {
  const h = await getHouseholdInScope(readDb(ctx.db), ctx.actor, householdId);
  // The slow hash before the transaction: nothing but the database is awaited inside.
  const pinHash = await hashPin(pin);
  const code = `C1.${randomBytes(12).toString('base64url')}`;
  const at = ctx.now.getTime();
  const card = await transaction(ctx.db, async (tx) => {
    const replaced = await revokeLiveCards(tx, householdId, at);
    // The printed number is typed with the PIN when the QR cannot be read; unique over all cards ever issued.
    let number = createCardNumber();
    while (await cardNumberTaken(tx, number)) number = createCardNumber();
    const row = await insertCard(tx, { householdId, code, number, pinHash, createdBy: ctx.actor.userId, createdAt: at });
    await writeAudit(tx, ctx, { entity: 'card', entityId: row.id, action: 'card.issue', areaId: h.villageId, after: { householdId, replacedCardIds: replaced } });
    return row;
  });
  const svg = await QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { id: card.id, householdId, code, number: card.number, svg, headName: h.headName, doorNo: h.doorNo };
}

/** A card of a household the actor may see; a card's household never changes, so this holds for the transaction. */
async function cardInScope(ctx: Ctx, cardId: number) {
  const db = readDb(ctx.db);
  const card = await cardById(db, cardId);
  if (!card) throw new NotFound('卡片不存在', 'card_not_found');
  return getHouseholdInScope(db, ctx.actor, card.householdId);
}

export async function revokeCard(ctx: Ctx, cardId: number) {
  const h = await cardInScope(ctx, cardId);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    const card = (await cardById(tx, cardId))!;
    await revokeCardRow(tx, cardId, at);
    await writeAudit(tx, ctx, { entity: 'card', entityId: cardId, action: 'card.revoke', areaId: h.villageId, before: { revokedAt: card.revokedAt }, after: { householdId: h.id } });
    return { id: cardId, revoked: true };
  });
}

export async function unlockCard(ctx: Ctx, cardId: number) {
  const h = await cardInScope(ctx, cardId);
  return transaction(ctx.db, async (tx) => {
    const card = (await cardById(tx, cardId))!;
    await unlockCardRow(tx, cardId);
    await writeAudit(tx, ctx, { entity: 'card', entityId: cardId, action: 'card.unlock', areaId: h.villageId, before: { lockedAt: card.lockedAt, failedAttempts: card.failedAttempts }, after: { householdId: h.id } });
    return { id: cardId, locked: false };
  });
}
