import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, passCodes, passUses, redemptions } from '../schema';
import type { Tx } from '../transaction';

export interface PassCodeRow {
  nonce: string;
  householdId: number;
  expiresAt: number;
}

/** Keeps the typed twin of a one-time code (by its HMAC digest); false if the digest is taken (draw again). */
export async function insertPassCode(tx: Tx, row: PassCodeRow & { digest: string }): Promise<boolean> {
  return tx.insert(passCodes).values(row).onConflictDoNothing().run().changes === 1;
}

/** Forgets typed codes that expired before `before`: they can no longer be spent, and the table stays small. */
export async function prunePassCodes(tx: Tx, before: number): Promise<void> {
  tx.delete(passCodes).where(lt(passCodes.expiresAt, before)).run();
}

export async function passCodeByDigest(db: Db, digest: string): Promise<PassCodeRow | undefined> {
  return db
    .select({ nonce: passCodes.nonce, householdId: passCodes.householdId, expiresAt: passCodes.expiresAt })
    .from(passCodes)
    .where(eq(passCodes.digest, digest))
    .get();
}

export interface PassUse {
  householdId: number;
  usedAt: number;
  redemptionId: number | null;
  storeAreaId: number | null;
  storeName: string | null;
  storePath: string | null;
}

/** How a spent one-time code was spent: when, and by which redemption at which store (null for codes spent before that was kept). */
export async function passUseOf(db: Db, nonce: string): Promise<PassUse | undefined> {
  return db
    .select({
      householdId: passUses.householdId,
      usedAt: passUses.usedAt,
      redemptionId: passUses.redemptionId,
      storeAreaId: redemptions.storeAreaId,
      storeName: areas.name,
      storePath: areas.path,
    })
    .from(passUses)
    .leftJoin(redemptions, and(eq(redemptions.id, passUses.redemptionId)))
    .leftJoin(areas, eq(areas.id, redemptions.storeAreaId))
    .where(eq(passUses.nonce, nonce))
    .get();
}
