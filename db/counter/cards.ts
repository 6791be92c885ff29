import type { Db } from '../client';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

export interface CardRow {
  id: number;
  householdId: number;
  code: string;
  /** The short number printed on the card, typed with the PIN when the QR code cannot be scanned. */
  number: string | null;
  pinHash: string;
  failedAttempts: number;
  lockedAt: number | null;
  revokedAt: number | null;
  createdBy: number | null;
  createdAt: number;
}
export type NewCard = Pick<CardRow, 'householdId' | 'code' | 'pinHash' | 'createdBy' | 'createdAt'> & { number?: string | null };

/** The card's columns, each qualified by `p` (a table alias and a dot, or nothing). */
const columns = (p: string) => `${p}id, ${p}household_id AS "householdId", ${p}code, ${p}number, ${p}pin_hash AS "pinHash",
  ${p}failed_attempts AS "failedAttempts", ${p}locked_at AS "lockedAt", ${p}revoked_at AS "revokedAt", ${p}created_by AS "createdBy",
  ${p}created_at AS "createdAt"`;
const CARD = columns('');

export async function cardById(db: Db, id: number): Promise<CardRow | undefined> {
  return sqlOf(db).get<CardRow>(`SELECT ${CARD} FROM household_cards WHERE id = ?`, [id]);
}

/** Revokes every live card of a household; returns their ids. */
export async function revokeLiveCards(tx: Tx, householdId: number, at: number): Promise<number[]> {
  const rows = await sqlOf(tx).all<{ id: number }>('UPDATE household_cards SET revoked_at = ? WHERE household_id = ? AND revoked_at IS NULL RETURNING id', [
    at,
    householdId,
  ]);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function insertCard(tx: Tx, values: NewCard): Promise<CardRow> {
  const row = await sqlOf(tx).get<CardRow>(
    `INSERT INTO household_cards (household_id, code, number, pin_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${CARD}`,
    [values.householdId, values.code, values.number ?? null, values.pinHash, values.createdBy, values.createdAt],
  );
  return row!;
}

/** Revokes one card; a card revoked earlier keeps its first revocation time. */
export async function revokeCardRow(tx: Tx, id: number, at: number): Promise<void> {
  await sqlOf(tx).run('UPDATE household_cards SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?', [at, id]);
}

/** Lifts a PIN lock and forgets the counted attempts. */
export async function unlockCardRow(tx: Tx, id: number): Promise<void> {
  await sqlOf(tx).run('UPDATE household_cards SET locked_at = NULL, failed_attempts = 0 WHERE id = ?', [id]);
}

/** Whether a printed card number is taken (a new card draws again). */
export async function cardNumberTaken(db: Db, number: string): Promise<boolean> {
  return (await sqlOf(db).get<{ id: number }>('SELECT id FROM household_cards WHERE number = ?', [number])) !== undefined;
}

/**
 * A card by its printed QR code or its printed number, with its household's village and that village's
 * path (for the scope check).
 */
export async function cardForPin(db: Db, code: string, by: 'code' | 'number' = 'code'): Promise<(CardRow & { villageId: number; villagePath: string }) | undefined> {
  return sqlOf(db).get<CardRow & { villageId: number; villagePath: string }>(
    `SELECT ${columns('c.')}, a.id AS "villageId", a.path AS "villagePath"
       FROM household_cards c
       JOIN households h ON h.id = c.household_id
       JOIN areas a ON a.id = h.village_id
      WHERE ${by === 'code' ? 'c.code' : 'c.number'} = ?`,
    [code],
  );
}

export async function cardState(db: Db, cardId: number): Promise<Pick<CardRow, 'failedAttempts' | 'lockedAt' | 'revokedAt'> | undefined> {
  return sqlOf(db).get<Pick<CardRow, 'failedAttempts' | 'lockedAt' | 'revokedAt'>>(
    'SELECT failed_attempts AS "failedAttempts", locked_at AS "lockedAt", revoked_at AS "revokedAt" FROM household_cards WHERE id = ?',
    [cardId],
  );
}

/**
 * Counts a PIN attempt on the card before its hash is checked, in one statement, only while the card
 * is usable and fewer than `max` attempts are counted (failed or still being checked). Returns the
 * count including this attempt, or null when no attempt may start.
 */
export async function reserveCardAttempt(tx: Tx, cardId: number, max: number): Promise<number | null> {
  const row = await sqlOf(tx).get<{ failedAttempts: number }>(
    `UPDATE household_cards SET failed_attempts = failed_attempts + 1
      WHERE id = ? AND locked_at IS NULL AND revoked_at IS NULL AND failed_attempts < ?
      RETURNING failed_attempts AS "failedAttempts"`,
    [cardId, max],
  );
  return row?.failedAttempts ?? null;
}

/** Locks the card once `max` attempts are counted; returns whether this call locked it. */
export async function lockCardIfSpent(tx: Tx, cardId: number, max: number, now: number): Promise<boolean> {
  const row = await sqlOf(tx).get<{ id: number }>(
    'UPDATE household_cards SET locked_at = ? WHERE id = ? AND locked_at IS NULL AND failed_attempts >= ? RETURNING id',
    [now, cardId, max],
  );
  return row !== undefined;
}

/**
 * A right PIN clears the attempts counted up to and including its own (`upTo`); attempts that started
 * after it are still being checked and stay counted. A card that got locked meanwhile stays locked.
 */
export async function releaseCardAttempts(tx: Tx, cardId: number, upTo: number): Promise<void> {
  await sqlOf(tx).run(
    'UPDATE household_cards SET failed_attempts = CASE WHEN failed_attempts > ? THEN failed_attempts - ? ELSE 0 END WHERE id = ? AND locked_at IS NULL',
    [upTo, upTo, cardId],
  );
}
