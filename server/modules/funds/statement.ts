import type { BookedEntry, FundSource } from '../../../db/funds/entries';
import type { ValuedMovement } from '../../../db/funds/stock';

/** A FIFO lot: units still on the shelf and what they are worth in fen (exact integers, never re-rounded). */
interface Lot {
  left: number;
  costFen: number;
  /** Units that arrived with no known cost (opening stock before costs were kept, a donation without a value). */
  uncosted: boolean;
  donated: boolean;
}

/** `part` of `whole` units carrying `fen`: the last unit takes what is left, so lots and draws always add up. */
function share(fen: number, part: number, whole: number): number {
  return part >= whole ? fen : Math.round((fen * part) / whole);
}

export interface StockFigures {
  openingStockFen: number;
  purchasesInFen: number;
  purchasedQty: number;
  donationsInFen: number;
  donatedQty: number;
  returnsInFen: number;
  returnedQty: number;
  returnedPoints: number;
  redemptionsCostFen: number;
  /** The part of `redemptionsCostFen` drawn from donated lots, at their estimated value. */
  redemptionsDonatedCostFen: number;
  redeemedQty: number;
  redeemedPoints: number;
  lossesCostFen: number;
  lostQty: number;
  closingStockFen: number;
  closingQty: number;
  /** Units on the shelf at the end whose cost is unknown (counted at 0). */
  closingUncostedQty: number;
  goods: { goodsId: number; name: string; unit: string; closingQty: number; closingStockFen: number; redeemedQty: number; redemptionsCostFen: number }[];
}

/**
 * Values a store's stock first in, first out, over every movement before `toMs`: purchases at their
 * booked cost, donations at their estimated value, a reversed redemption's goods back at what they were
 * drawn at. Figures of movements from `fromMs` on are the period's; the lots at `fromMs` are its opening
 * value. Integers throughout: opening + purchases + donations + returns − redemptions − losses = closing.
 */
export function valueStock(moves: readonly ValuedMovement[], costs: ReadonlyMap<number, number>, fromMs: number): StockFigures {
  const f: StockFigures = {
    openingStockFen: 0,
    purchasesInFen: 0,
    purchasedQty: 0,
    donationsInFen: 0,
    donatedQty: 0,
    returnsInFen: 0,
    returnedQty: 0,
    returnedPoints: 0,
    redemptionsCostFen: 0,
    redemptionsDonatedCostFen: 0,
    redeemedQty: 0,
    redeemedPoints: 0,
    lossesCostFen: 0,
    lostQty: 0,
    closingStockFen: 0,
    closingQty: 0,
    closingUncostedQty: 0,
    goods: [],
  };
  const lots = new Map<number, Lot[]>();
  const names = new Map<number, { name: string; unit: string; redeemedQty: number; redemptionsCostFen: number }>();
  // What each redemption line drew, so its reversal puts the goods back at the same value.
  const drawn = new Map<string, { qty: number; costFen: number }>();
  let opened = false;
  const shelfValue = () => [...lots.values()].reduce((s, q) => s + q.reduce((t, l) => t + l.costFen, 0), 0);

  for (const m of moves) {
    if (!opened && m.createdAt >= fromMs) {
      f.openingStockFen = shelfValue();
      opened = true;
    }
    const inPeriod = m.createdAt >= fromMs;
    const queue = lots.get(m.goodsId) ?? [];
    lots.set(m.goodsId, queue);
    const g = names.get(m.goodsId) ?? { name: m.goodsName, unit: m.unit, redeemedQty: 0, redemptionsCostFen: 0 };
    names.set(m.goodsId, g);
    const key = `${m.redemptionId}:${m.goodsId}`;

    if (m.quantity > 0) {
      let costFen = 0;
      let uncosted = false;
      if (m.kind === 'purchase') {
        const c = costs.get(m.id);
        uncosted = c === undefined;
        costFen = c ?? 0;
      } else if (m.kind === 'donation') {
        uncosted = m.donationValueFen === null;
        costFen = m.donationValueFen === null ? 0 : share(m.donationValueFen, m.quantity, m.donationQuantity ?? m.quantity);
      } else {
        const pool = drawn.get(key);
        costFen = pool && pool.qty > 0 ? share(pool.costFen, m.quantity, pool.qty) : 0;
        if (pool) {
          pool.qty -= m.quantity;
          pool.costFen -= costFen;
        }
      }
      queue.push({ left: m.quantity, costFen, uncosted, donated: m.kind === 'donation' });
      if (inPeriod) {
        if (m.kind === 'purchase') {
          f.purchasesInFen += costFen;
          f.purchasedQty += m.quantity;
        } else if (m.kind === 'donation') {
          f.donationsInFen += costFen;
          f.donatedQty += m.quantity;
        } else {
          f.returnsInFen += costFen;
          f.returnedQty += m.quantity;
          f.returnedPoints += m.quantity * (m.pricePoints ?? 0);
          g.redeemedQty -= m.quantity;
          g.redemptionsCostFen -= costFen;
        }
      }
      continue;
    }

    let need = -m.quantity;
    let costFen = 0;
    let donatedFen = 0;
    while (need > 0 && queue.length) {
      const lot = queue[0];
      const take = Math.min(lot.left, need);
      const fen = share(lot.costFen, take, lot.left);
      lot.left -= take;
      lot.costFen -= fen;
      need -= take;
      costFen += fen;
      if (lot.donated) donatedFen += fen;
      if (lot.left === 0) queue.shift();
    }
    if (m.kind === 'redemption') {
      const pool = drawn.get(key) ?? { qty: 0, costFen: 0 };
      pool.qty += -m.quantity;
      pool.costFen += costFen;
      drawn.set(key, pool);
    }
    if (!inPeriod) continue;
    if (m.kind === 'redemption') {
      f.redemptionsCostFen += costFen;
      f.redemptionsDonatedCostFen += donatedFen;
      f.redeemedQty += -m.quantity;
      f.redeemedPoints += -m.quantity * (m.pricePoints ?? 0);
      g.redeemedQty += -m.quantity;
      g.redemptionsCostFen += costFen;
    } else {
      f.lossesCostFen += costFen;
      f.lostQty += -m.quantity;
    }
  }
  if (!opened) f.openingStockFen = shelfValue();
  f.closingStockFen = shelfValue();
  for (const [goodsId, queue] of [...lots.entries()].sort((a, b) => a[0] - b[0])) {
    const g = names.get(goodsId)!;
    const closingQty = queue.reduce((s, l) => s + l.left, 0);
    const closingStockFen = queue.reduce((s, l) => s + l.costFen, 0);
    f.closingQty += closingQty;
    f.closingUncostedQty += queue.filter((l) => l.uncosted).reduce((s, l) => s + l.left, 0);
    if (closingQty || g.redeemedQty) f.goods.push({ goodsId, name: g.name, unit: g.unit, closingQty, closingStockFen, redeemedQty: g.redeemedQty, redemptionsCostFen: g.redemptionsCostFen });
  }
  return f;
}

export interface FundFigures {
  openingFundsFen: number;
  fundsInFen: number;
  fundsInBySource: Record<FundSource, number>;
  purchasesFen: number;
  closingFundsFen: number;
}

/**
 * The money side over [fromDay, toDay]: entries before it open the period; each reversal counts with
 * the kind and source of what it reverses, on its own day. Closing = opening + in − purchases.
 */
export function sumFunds(entries: readonly BookedEntry[], fromDay: string): FundFigures {
  const f: FundFigures = { openingFundsFen: 0, fundsInFen: 0, fundsInBySource: { budget: 0, partner: 0, donation: 0, collective: 0 }, purchasesFen: 0, closingFundsFen: 0 };
  for (const e of entries) {
    if (e.onDay < fromDay) {
      f.openingFundsFen += e.amountFen;
      continue;
    }
    if (e.effectiveKind === 'funding') {
      f.fundsInFen += e.amountFen;
      if (e.source) f.fundsInBySource[e.source] += e.amountFen;
    } else {
      f.purchasesFen -= e.amountFen;
    }
  }
  f.closingFundsFen = f.openingFundsFen + f.fundsInFen - f.purchasesFen;
  return f;
}
