import { describe, expect, it } from 'vitest';
import { MAX_FEN, yuanToFen } from '../../web/src/modules/goods/money';

describe('yuanToFen (the stock dialog’s money fields)', () => {
  it('turns 元 as typed into whole fen without floating-point drift', () => {
    expect(yuanToFen('123.40')).toBe(12_340);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1.10')).toBe(110);
    expect(yuanToFen('19.9')).toBe(1_990);
    expect(yuanToFen(' 8 ')).toBe(800);
    expect(yuanToFen('1,234.56')).toBe(123_456);
    expect(yuanToFen('12。5')).toBe(1_250);
  });

  it('refuses what is not an amount: three decimals, signs, exponents, words, empty, above the ceiling', () => {
    for (const bad of ['12.345', '-1', '+1', '1e3', 'abc', '', '.5', '5.', '１２', 'NaN', 'Infinity', '0x10']) expect(yuanToFen(bad), bad).toBeNull();
    expect(yuanToFen(String(MAX_FEN / 100))).toBe(MAX_FEN);
    expect(yuanToFen(String(MAX_FEN / 100 + 0.01))).toBeNull();
  });

  it('takes zero only where zero means something (a gift’s value, not a purchase)', () => {
    expect(yuanToFen('0')).toBeNull();
    expect(yuanToFen('0.00', { allowZero: true })).toBe(0);
  });
});
