import { describe, expect, it } from 'vitest';
import { fillBlank, gridItems, gridTotals, nextRowIndex, parseQuantity, type GridRow } from '../../web/src/modules/awards/batch-grid';

const row = (id: number, entry = ''): GridRow => ({ householdId: id, headName: `户${id}`, doorNo: null, entry });

describe('batch grid entry', () => {
  it('reads blank and 0 as nothing, digits (also full-width) as quantities, anything else as invalid', () => {
    expect(parseQuantity('')).toEqual({ ok: true, value: 0 });
    expect(parseQuantity('  ')).toEqual({ ok: true, value: 0 });
    expect(parseQuantity('0')).toEqual({ ok: true, value: 0 });
    expect(parseQuantity(' 3 ')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('１２')).toEqual({ ok: true, value: 12 });
    expect(parseQuantity('1000')).toEqual({ ok: true, value: 1000 });
    for (const bad of ['1001', '-1', '1.5', 'a', '1e2', '99999']) expect(parseQuantity(bad).ok).toBe(false);
  });

  it('totals households, quantity and points, counting invalid rows apart', () => {
    const rows = [row(1, '2'), row(2, ''), row(3, '1'), row(4, 'x')];
    expect(gridTotals(rows, 5)).toEqual({ households: 2, quantity: 3, points: 15, invalid: 1 });
    expect(gridTotals(rows, -10).points).toBe(-30);
  });

  it('builds batch items only for households with a quantity, and refuses while a row is unreadable', () => {
    expect(gridItems([row(1, '2'), row(2, ''), row(3, '0'), row(4, '1')])).toEqual([
      { householdId: 1, quantity: 2 },
      { householdId: 4, quantity: 1 },
    ]);
    expect(gridItems([row(1, '2'), row(2, 'abc')])).toBeNull();
    expect(gridItems([row(1), row(2)])).toEqual([]);
  });

  it('moves down with Enter, Tab and ↓, up with Shift and ↑, clamped at the edges', () => {
    const k = (key: string, shiftKey = false) => ({ key, shiftKey });
    expect(nextRowIndex(0, k('Enter'), 3)).toBe(1);
    expect(nextRowIndex(2, k('Enter'), 3)).toBe(2);
    expect(nextRowIndex(1, k('Enter', true), 3)).toBe(0);
    expect(nextRowIndex(0, k('ArrowDown'), 3)).toBe(1);
    expect(nextRowIndex(0, k('ArrowUp'), 3)).toBe(0);
    expect(nextRowIndex(2, k('ArrowUp'), 3)).toBe(1);
    expect(nextRowIndex(0, k('Tab'), 3)).toBe(1);
    expect(nextRowIndex(1, k('Tab', true), 3)).toBe(0);
    expect(nextRowIndex(5, k('PageUp'), 30)).toBe(0);
    expect(nextRowIndex(25, k('PageDown'), 30)).toBe(29);
  });

  it('lets Tab leave the grid at either end and ignores typing keys', () => {
    const k = (key: string, shiftKey = false) => ({ key, shiftKey });
    expect(nextRowIndex(2, k('Tab'), 3)).toBeNull();
    expect(nextRowIndex(0, k('Tab', true), 3)).toBeNull();
    for (const key of ['1', 'Backspace', 'ArrowLeft', 'a']) expect(nextRowIndex(1, k(key), 3)).toBeNull();
    expect(nextRowIndex(0, k('Enter'), 0)).toBeNull();
  });

  it('fills only the blank rows', () => {
    const filled = fillBlank([row(1, ''), row(2, '3'), row(3, ' ')], 1);
    expect(filled.map((r) => r.entry)).toEqual(['1', '3', '1']);
  });
});
