import type { Db } from '../client';
import type { dishonestyReasons, listingStatuses } from '../schema/credit';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

// The lists are the schema's own (its CHECK enums); re-exported so nothing above db/ imports the schema.
export { dishonestyReasons, listingStatuses } from '../schema/credit';

export type ListingStatus = (typeof listingStatuses)[number];
export type DishonestyReason = (typeof dishonestyReasons)[number];

export interface ListingRow {
  id: number;
  householdId: number;
  villageId: number;
  reason: DishonestyReason;
  detail: string;
  suspendRedemption: boolean;
  status: ListingStatus;
  proposedBy: number;
  proposedAt: number;
  decidedBy: number | null;
  decidedAt: number | null;
  decisionNote: string | null;
  removalReason: string | null;
  removalProposedBy: number | null;
  removalProposedAt: number | null;
  removedBy: number | null;
  removedAt: number | null;
}

/** The columns a decision or a removal proposal changes. */
export type ListingPatch = Partial<
  Pick<ListingRow, 'status' | 'decidedBy' | 'decidedAt' | 'decisionNote' | 'removalReason' | 'removalProposedBy' | 'removalProposedAt' | 'removedBy' | 'removedAt'>
>;

/** A new listing: what a proposal sets; the decision and removal columns may be given, else stay null. */
export type NewListing = Pick<ListingRow, 'householdId' | 'villageId' | 'reason' | 'detail' | 'suspendRedemption' | 'status' | 'proposedBy' | 'proposedAt'> &
  ListingPatch;

const listingColumns = (t: string) =>
  `${t}id AS "id", ${t}household_id AS "householdId", ${t}village_id AS "villageId", ${t}reason AS "reason", ${t}detail AS "detail",
   ${t}suspend_redemption AS "suspendRedemption", ${t}status AS "status", ${t}proposed_by AS "proposedBy", ${t}proposed_at AS "proposedAt",
   ${t}decided_by AS "decidedBy", ${t}decided_at AS "decidedAt", ${t}decision_note AS "decisionNote", ${t}removal_reason AS "removalReason",
   ${t}removal_proposed_by AS "removalProposedBy", ${t}removal_proposed_at AS "removalProposedAt", ${t}removed_by AS "removedBy",
   ${t}removed_at AS "removedAt"`;

// SQLite answers flags as 0/1.
const asListing = <T extends ListingRow>(row: T): T => ({ ...row, suspendRedemption: Boolean(row.suspendRedemption) });

/** Statuses in which a listing is open (awaiting a decision, or in force), as SQL. */
const OPEN = "('proposed', 'listed', 'removal_proposed')";
/** Statuses in which a listing is in force, as SQL. */
const IN_FORCE = "('listed', 'removal_proposed')";

/** A listing with its village's materialised path (the input of the scope check), or undefined. */
export async function listingWithVillagePath(db: Db, id: number): Promise<{ listing: ListingRow; villagePath: string } | undefined> {
  const row = await sqlOf(db).get<ListingRow & { villagePath: string }>(
    `SELECT ${listingColumns('l.')}, a.path AS "villagePath" FROM dishonesty_listings l JOIN areas a ON a.id = l.village_id WHERE l.id = ?`,
    [id],
  );
  if (!row) return undefined;
  const { villagePath, ...listing } = row;
  return { listing: asListing(listing), villagePath };
}

/** Whether a household has a listing awaiting a decision or in force. */
export async function hasOpenListing(tx: Tx, householdId: number): Promise<boolean> {
  return (await sqlOf(tx).get(`SELECT id AS "id" FROM dishonesty_listings WHERE household_id = ? AND status IN ${OPEN}`, [householdId])) !== undefined;
}

const patchColumns: Record<keyof ListingPatch, string> = {
  status: 'status',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  decisionNote: 'decision_note',
  removalReason: 'removal_reason',
  removalProposedBy: 'removal_proposed_by',
  removalProposedAt: 'removal_proposed_at',
  removedBy: 'removed_by',
  removedAt: 'removed_at',
};

/** The given fields as `column = ?` pairs; column names come from the fixed map, never from the object's keys. */
function assignments(patch: ListingPatch): { columns: string[]; params: SqlParam[] } {
  const columns: string[] = [];
  const params: SqlParam[] = [];
  for (const [field, column] of Object.entries(patchColumns) as [keyof ListingPatch, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    columns.push(column);
    params.push(value);
  }
  return { columns, params };
}

export async function insertListing(tx: Tx, values: NewListing): Promise<ListingRow> {
  const extra = assignments({ ...values, status: undefined });
  const columns = ['household_id', 'village_id', 'reason', 'detail', 'suspend_redemption', 'status', 'proposed_by', 'proposed_at', ...extra.columns];
  const params: SqlParam[] = [
    values.householdId,
    values.villageId,
    values.reason,
    values.detail,
    values.suspendRedemption,
    values.status,
    values.proposedBy,
    values.proposedAt,
    ...extra.params,
  ];
  const row = await sqlOf(tx).get<ListingRow>(
    `INSERT INTO dishonesty_listings (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) RETURNING ${listingColumns('')}`,
    params,
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return asListing(row);
}

/** Applies `patch` if the listing is still in status `from`; false when someone else changed it first. */
export async function updateListingFrom(tx: Tx, id: number, from: ListingStatus, patch: ListingPatch): Promise<boolean> {
  const { columns, params } = assignments(patch);
  if (!columns.length) throw new Error('updateListingFrom: nothing to change');
  const changed = await sqlOf(tx).run(`UPDATE dishonesty_listings SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND status = ?`, [
    ...params,
    id,
    from,
  ]);
  return changed.changes === 1;
}

/**
 * Sets a household's redemption suspension from its listings: suspended while any listing that asks
 * for it is in force. Returns the new value.
 */
export async function syncRedemptionSuspension(tx: Tx, householdId: number, at: number): Promise<boolean> {
  const q = sqlOf(tx);
  const active = (await q.get(`SELECT id AS "id" FROM dishonesty_listings WHERE household_id = ? AND suspend_redemption AND status IN ${IN_FORCE}`, [householdId])) !== undefined;
  await q.run('UPDATE households SET redemption_suspended = ?, updated_at = ? WHERE id = ?', [active, at, householdId]);
  return active;
}

export interface ListingFilter {
  villageIds: number[];
  status?: ListingStatus;
  householdId?: number;
  limit: number;
  offset: number;
}

export type ListingListItem = ListingRow & { headName: string; doorNo: string | null; villageName: string };

/** A page of listings in `villageIds`, newest first, with household and village names, and the total. */
export async function listListingsPage(db: Db, f: ListingFilter): Promise<{ items: ListingListItem[]; total: number }> {
  if (!f.villageIds.length) return { items: [], total: 0 };
  const conditions = [`l.village_id IN (${f.villageIds.map(() => '?').join(', ')})`];
  const params: SqlParam[] = [...f.villageIds];
  // Empty filters match everything, as they always have (an id 0 is no filter).
  if (f.status) {
    conditions.push('l.status = ?');
    params.push(f.status);
  }
  if (f.householdId) {
    conditions.push('l.household_id = ?');
    params.push(f.householdId);
  }
  const where = conditions.join(' AND ');
  const q = sqlOf(db);
  const items = await q.all<ListingListItem>(
    `SELECT ${listingColumns('l.')}, h.head_name AS "headName", h.door_no AS "doorNo", a.name AS "villageName"
       FROM dishonesty_listings l
       JOIN households h ON h.id = l.household_id
       JOIN areas a ON a.id = l.village_id
      WHERE ${where}
      ORDER BY l.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM dishonesty_listings l WHERE ${where}`, params))?.n ?? 0;
  return { items: items.map(asListing), total };
}

/** The reason of the listing that suspends a household's redemption now (the newest in force), or null. */
export async function suspensionReason(db: Db, householdId: number): Promise<DishonestyReason | null> {
  const row = await sqlOf(db).get<{ reason: DishonestyReason }>(
    `SELECT reason AS "reason" FROM dishonesty_listings WHERE household_id = ? AND suspend_redemption AND status IN ${IN_FORCE} ORDER BY id DESC`,
    [householdId],
  );
  return row?.reason ?? null;
}

/** Every listing of one household, newest first (what the household itself may see of its record). */
export async function listingsOfHousehold(db: Db, householdId: number): Promise<ListingRow[]> {
  return (await sqlOf(db).all<ListingRow>(`SELECT ${listingColumns('')} FROM dishonesty_listings WHERE household_id = ? ORDER BY id DESC`, [householdId])).map(asListing);
}
