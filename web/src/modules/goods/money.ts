/** The most a single receipt may cost: the API's own ceiling (10^10 fen = 1 亿元). */
export const MAX_FEN = 10_000_000_000;

/**
 * 元 as typed (digits, at most two decimals; a full-width point or comma grouping as a phone keyboard may
 * give) to whole fen, by string arithmetic so 0.29 元 is 29 fen and not 28.999…; null when it is not an
 * amount, is above MAX_FEN, or is zero and zero is not allowed.
 */
export function yuanToFen(text: string, opts: { allowZero?: boolean } = {}): number | null {
  const cleaned = text.trim().replace(/[，,\s]/g, '').replace('。', '.').replace('．', '.');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (fen > MAX_FEN) return null;
  if (fen === 0 && !opts.allowZero) return null;
  return fen;
}
