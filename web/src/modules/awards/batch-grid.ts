import { toHalfWidth } from '../../../../server/lib/normalize';

/** One household row of the monthly-inspection grid; `entry` is exactly what the cadre typed. */
export interface GridRow {
  householdId: number;
  headName: string;
  doorNo: string | null;
  entry: string;
  /** Photo hashes for this household (a rule marked 需佐证 needs one per household). */
  evidence?: string[];
}

export const MAX_QUANTITY = 1000;

export type ParsedQuantity = { ok: true; value: number } | { ok: false };

/** Blank and 0 both mean "nothing for this household"; anything else must be a whole number 1–1000. */
export function parseQuantity(entry: string): ParsedQuantity {
  const s = entry.trim();
  if (s === '') return { ok: true, value: 0 };
  // Full-width digits come from Chinese input methods; accept them as the same numbers.
  const ascii = toHalfWidth(s).trim();
  if (!/^\d{1,4}$/.test(ascii)) return { ok: false };
  const value = Number(ascii);
  if (value > MAX_QUANTITY) return { ok: false };
  return { ok: true, value };
}

export interface GridTotals {
  households: number;
  quantity: number;
  points: number;
  invalid: number;
}

export function gridTotals(rows: readonly GridRow[], pointsPerUnit: number): GridTotals {
  let households = 0;
  let quantity = 0;
  let invalid = 0;
  for (const r of rows) {
    const q = parseQuantity(r.entry);
    if (!q.ok) invalid++;
    else if (q.value > 0) {
      households++;
      quantity += q.value;
    }
  }
  return { households, quantity, points: quantity * pointsPerUnit, invalid };
}

/** The batch body's items: only households with a quantity (and their photos, if any); null while any row is unreadable. */
export function gridItems(rows: readonly GridRow[]): { householdId: number; quantity: number; evidence?: string[] }[] | null {
  const items: { householdId: number; quantity: number; evidence?: string[] }[] = [];
  for (const r of rows) {
    const q = parseQuantity(r.entry);
    if (!q.ok) return null;
    if (q.value > 0) items.push(r.evidence?.length ? { householdId: r.householdId, quantity: q.value, evidence: [...r.evidence] } : { householdId: r.householdId, quantity: q.value });
  }
  return items;
}

/** Households given a quantity but no photo (refused when the rule is marked 需佐证). */
export function rowsWithoutPhotos(rows: readonly GridRow[]): GridRow[] {
  return rows.filter((r) => {
    const q = parseQuantity(r.entry);
    return q.ok && q.value > 0 && !r.evidence?.length;
  });
}

export interface KeyInput {
  key: string;
  shiftKey: boolean;
}

/**
 * Where focus goes after a key in the quantity column: Enter, Tab and ↓ go down, Shift+Enter, Shift+Tab and ↑ go up.
 * Returns null for keys the grid leaves alone (digits, editing keys); the edges clamp, except Tab at
 * the last row which returns null so the browser moves on to the submit button.
 */
export function nextRowIndex(current: number, input: KeyInput, rowCount: number): number | null {
  if (rowCount === 0) return null;
  const last = rowCount - 1;
  switch (input.key) {
    case 'ArrowDown':
      return Math.min(current + 1, last);
    case 'ArrowUp':
      return Math.max(current - 1, 0);
    case 'Enter':
      return input.shiftKey ? Math.max(current - 1, 0) : Math.min(current + 1, last);
    case 'Tab':
      if (input.shiftKey) return current === 0 ? null : current - 1;
      return current === last ? null : current + 1;
    case 'PageDown':
      return Math.min(current + 10, last);
    case 'PageUp':
      return Math.max(current - 10, 0);
    default:
      return null;
  }
}

/** "Fill all" for an inspection where most households pass: sets every blank row, leaves typed rows alone. */
export function fillBlank(rows: GridRow[], value: number): GridRow[] {
  return rows.map((r) => (r.entry.trim() === '' ? { ...r, entry: String(value) } : r));
}
