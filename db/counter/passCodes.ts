import type { Db } from '../client';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

export interface PassCodeRow {
  nonce: string;
  householdId: number;
  expiresAt: number;
}

/** Keeps the typed twin of a one-time code (by its HMAC digest); false if the digest is taken (draw again). */
export async function insertPassCode(tx: Tx, row: PassCodeRow & { digest: string }): Promise<boolean> {
  const { changes } = await sqlOf(tx).run('INSERT INTO pass_codes (digest, nonce, household_id, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
    row.digest,
    row.nonce,
    row.householdId,
    row.expiresAt,
  ]);
  return changes === 1;
}

/** Forgets typed codes that expired before `before`: they can no longer be spent, and the table stays small. */
export async function prunePassCodes(tx: Tx, before: number): Promise<void> {
  await sqlOf(tx).run('DELETE FROM pass_codes WHERE expires_at < ?', [before]);
}

export async function passCodeByDigest(db: Db, digest: string): Promise<PassCodeRow | undefined> {
  return sqlOf(db).get<PassCodeRow>('SELECT nonce, household_id AS "householdId", expires_at AS "expiresAt" FROM pass_codes WHERE digest = ?', [digest]);
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
  return sqlOf(db).get<PassUse>(
    `SELECT u.household_id AS "householdId", u.used_at AS "usedAt", u.redemption_id AS "redemptionId", r.store_area_id AS "storeAreaId",
            a.name AS "storeName", a.path AS "storePath"
       FROM pass_uses u
       LEFT JOIN redemptions r ON r.id = u.redemption_id
       LEFT JOIN areas a ON a.id = r.store_area_id
      WHERE u.nonce = ?`,
    [nonce],
  );
}
