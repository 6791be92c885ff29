import type { BookedEntry, FundSource } from './entries';
import type { ValuedMovement } from './stock';

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

/**
 * A store's shelf at a moment: the FIFO lots of every goods that ever moved (empty queues kept, so the
 * goods still list) and what each redemption line drew (a reversal puts the goods back at that value).
 */
export class Shelf {
  readonly lots = new Map<number, Lot[]>();
  readonly drawn = new Map<string, { qty: number; costFen: number }>();

  value(): number {
    let s = 0;
    for (const q of this.lots.values()) for (const l of q) s += l.costFen;
    return s;
  }

  /**
   * Compact JSON kept in a month close. A draw a reversal would put back at 0 (returned in full, qty ≤ 0,
   * or drawn from lots of no known cost) is dropped: coming back it counts 0 either way, and a
   * redemption's own draws are all made in its one transaction, so nothing else ever adds to it.
   */
  toLayers(): string {
    const l = [...this.lots.entries()].sort((a, b) => a[0] - b[0]).map(([g, q]) => [g, q.map((x) => [x.left, x.costFen, (x.uncosted ? 1 : 0) | (x.donated ? 2 : 0)])]);
    const d = [...this.drawn.entries()].filter(([, p]) => p.qty > 0 && p.costFen !== 0).map(([k, p]) => [k, p.qty, p.costFen]);
    return JSON.stringify({ l, d });
  }

  /**
   * The shelf kept in a close. `drawsOf`: only the draws of these redemption lines are wanted (the returns
   * a statement replays), so a store's long list of open draws is not turned into a map for nothing.
   */
  static fromLayers(text: string, drawsOf?: ReadonlySet<string>): Shelf {
    const parsed = JSON.parse(text) as { l: [number, [number, number, number][]][]; d: [string, number, number][] };
    const s = new Shelf();
    for (const [g, q] of parsed.l) s.lots.set(g, q.map(([left, costFen, f]) => ({ left, costFen, uncosted: (f & 1) === 1, donated: (f & 2) === 2 })));
    for (const [k, qty, costFen] of parsed.d) if (!drawsOf || drawsOf.has(k)) s.drawn.set(k, { qty, costFen });
    return s;
  }
}

/** The key of a redemption line's draw, as a reversal's returned goods look it up. */
export const drawKey = (m: Pick<ValuedMovement, 'redemptionId' | 'goodsId'>) => `${m.redemptionId}:${m.goodsId}`;

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

/** The figures of a stretch of time that add up across stretches (a month close keeps these). */
export const FLOW_KEYS = [
  'purchasesInFen',
  'purchasedQty',
  'donationsInFen',
  'donatedQty',
  'returnsInFen',
  'returnedQty',
  'returnedPoints',
  'redemptionsCostFen',
  'redemptionsDonatedCostFen',
  'redeemedQty',
  'redeemedPoints',
  'lossesCostFen',
  'lostQty',
] as const;
export type StockFlows = Record<(typeof FLOW_KEYS)[number], number>;

/** Per goods over a stretch: units out net of returns and their cost. */
export type GoodsFlows = Map<number, { redeemedQty: number; redemptionsCostFen: number }>;

export interface StockRun {
  openingStockFen: number;
  flows: StockFlows;
  goodsFlows: GoodsFlows;
  names: Map<number, { name: string; unit: string }>;
  shelf: Shelf;
}

export function zeroFlows(): StockFlows {
  return Object.fromEntries(FLOW_KEYS.map((k) => [k, 0])) as StockFlows;
}

/**
 * Goes on from `shelf` (a fresh one: from nothing) over `moves`, oldest first, FIFO: purchases at their
 * booked cost, donations at their estimated value, a reversed redemption's goods back at what they were
 * drawn at. Flows of movements from `fromMs` on are counted; the shelf's value at `fromMs` is the opening.
 */
export function runStock(moves: readonly ValuedMovement[], costs: ReadonlyMap<number, number>, fromMs: number, shelf: Shelf = new Shelf()): StockRun {
  const f = zeroFlows();
  const goodsFlows: GoodsFlows = new Map();
  const names = new Map<number, { name: string; unit: string }>();
  const { lots, drawn } = shelf;
  let opening: number | null = null;

  for (const m of moves) {
    if (opening === null && m.createdAt >= fromMs) opening = shelf.value();
    const inPeriod = m.createdAt >= fromMs;
    const queue = lots.get(m.goodsId) ?? [];
    lots.set(m.goodsId, queue);
    if (!names.has(m.goodsId)) names.set(m.goodsId, { name: m.goodsName, unit: m.unit });
    const g = goodsFlows.get(m.goodsId) ?? { redeemedQty: 0, redemptionsCostFen: 0 };
    const key = drawKey(m);

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
          goodsFlows.set(m.goodsId, g);
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
      goodsFlows.set(m.goodsId, g);
    } else {
      f.lossesCostFen += costFen;
      f.lostQty += -m.quantity;
    }
  }
  return { openingStockFen: opening ?? shelf.value(), flows: f, goodsFlows, names, shelf };
}

/** Adds `b`'s per-goods flows into `a`. */
export function addGoodsFlows(a: GoodsFlows, b: Iterable<[number, { redeemedQty: number; redemptionsCostFen: number }]>): void {
  for (const [id, x] of b) {
    const g = a.get(id) ?? { redeemedQty: 0, redemptionsCostFen: 0 };
    g.redeemedQty += x.redeemedQty;
    g.redemptionsCostFen += x.redemptionsCostFen;
    a.set(id, g);
  }
}

/**
 * The statement's stock figures from an opening value, flows and the closing shelf: every goods that
 * ever moved, listed when it has units left or units out in the stretch.
 */
export function stockFigures(openingStockFen: number, flows: StockFlows, goodsFlows: GoodsFlows, shelf: Shelf, names: ReadonlyMap<number, { name: string; unit: string }>): StockFigures {
  const f: StockFigures = { openingStockFen, ...flows, closingStockFen: shelf.value(), closingQty: 0, closingUncostedQty: 0, goods: [] };
  for (const [goodsId, queue] of [...shelf.lots.entries()].sort((a, b) => a[0] - b[0])) {
    const n = names.get(goodsId) ?? { name: '', unit: '' };
    const g = goodsFlows.get(goodsId) ?? { redeemedQty: 0, redemptionsCostFen: 0 };
    const closingQty = queue.reduce((s, l) => s + l.left, 0);
    const closingStockFen = queue.reduce((s, l) => s + l.costFen, 0);
    f.closingQty += closingQty;
    f.closingUncostedQty += queue.filter((l) => l.uncosted).reduce((s, l) => s + l.left, 0);
    if (closingQty || g.redeemedQty) f.goods.push({ goodsId, name: n.name, unit: n.unit, closingQty, closingStockFen, redeemedQty: g.redeemedQty, redemptionsCostFen: g.redemptionsCostFen });
  }
  return f;
}

/**
 * Values a store's stock first in, first out, over every movement before `toMs`. Figures of movements
 * from `fromMs` on are the period's; the lots at `fromMs` are its opening value. Integers throughout:
 * opening + purchases + donations + returns − redemptions − losses = closing.
 */
export function valueStock(moves: readonly ValuedMovement[], costs: ReadonlyMap<number, number>, fromMs: number): StockFigures {
  const r = runStock(moves, costs, fromMs);
  return stockFigures(r.openingStockFen, r.flows, r.goodsFlows, r.shelf, r.names);
}

export interface FundFigures {
  openingFundsFen: number;
  fundsInFen: number;
  fundsInBySource: Record<FundSource, number>;
  purchasesFen: number;
  closingFundsFen: number;
}

/**
 * The money side over [fromDay, toDay]: entries before it open the period (on top of `openingFen`,
 * the funds before the first entry given); each reversal counts with the kind and source of what it
 * reverses, on its own day. Closing = opening + in − purchases.
 */
export function sumFunds(entries: readonly BookedEntry[], fromDay: string, openingFen = 0): FundFigures {
  const f: FundFigures = { openingFundsFen: openingFen, fundsInFen: 0, fundsInBySource: { budget: 0, partner: 0, donation: 0, collective: 0 }, purchasesFen: 0, closingFundsFen: 0 };
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
