import { lockName } from '../pg/locks';
import type { Sql } from '../sql';
import { shanghaiDay, shanghaiMonth } from '../time';
import { IN_CHUNK, selectInChunks } from '../inChunks';
import { bookedEntries, bookedEntriesOfStores, costsByMovement, liveCostsAfter, liveCostsOfStoresAfter, type BookedEntry, type FundSource, type LiveCost } from './entries';
import { addGoodsFlows, drawKey, FLOW_KEYS, runStock, Shelf, stockFigures, sumFunds, zeroFlows, type FundFigures, type GoodsFlows, type StockFigures, type StockFlows } from './fifo';
import { movementsOfStoreAfter, movementsOfStoresAfter, type ValuedMovement } from './stock';

/** What a closed month adds to any statement that covers it. */
export interface MonthFigures extends StockFlows {
  fundsInFen: number;
  fundsInBySource: Record<FundSource, number>;
  purchasesFen: number;
  /** Per goods with units out or their cost in the month: [goodsId, redeemedQty, redemptionsCostFen]. */
  goods: [number, number, number][];
}

export interface StoreMonthClose {
  storeAreaId: number;
  month: string;
  figures: MonthFigures;
  closingFundsFen: number;
  closingStockFen: number;
  movementHwm: number;
  fundHwm: number;
  closedAt: number;
}

export interface NewStoreMonthClose extends StoreMonthClose {
  closingLayers: string;
}

/** A statement's span: days inclusive, moments [fromMs, toMs) (Shanghai). */
export interface Span {
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
}

export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function prevMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function monthStartMs(month: string): number {
  return Date.parse(`${month}-01T00:00:00+08:00`);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Transactions in flight at a moment are done minutes later: a close only vouches for books that old. */
export const SETTLE_MS = 5 * 60_000;

/**
 * The last month to close at `nowMs`: the one before the current, once its end has settled. Movements are
 * stamped when made, so its stock is final; a funding may still be dated back into it (recordFunding's
 * firstOpenDay) or a cost booked for goods it received: such an entry lies past the close's high-water id
 * and reopens it (statements step back to the close before) until the next run rewrites it.
 */
export function lastClosableMonth(nowMs: number): string {
  return prevMonth(shanghaiMonth(nowMs - SETTLE_MS));
}

const META = `store_area_id AS "storeAreaId", month, figures, closing_funds_fen AS "closingFundsFen", closing_stock_fen AS "closingStockFen",
  movement_hwm AS "movementHwm", fund_hwm AS "fundHwm", closed_at AS "closedAt"`;

type MetaRow = Omit<StoreMonthClose, 'figures'> & { figures: string };
const parseMeta = (r: MetaRow): StoreMonthClose => ({ ...r, figures: JSON.parse(r.figures) as MonthFigures });

/** A store's closes, oldest first (without their shelves), up to a month when given. */
export async function closesOfStore(q: Sql, storeAreaId: number, throughMonth?: string): Promise<StoreMonthClose[]> {
  const rows = await q.all<MetaRow>(
    `SELECT ${META} FROM store_month_closes WHERE store_area_id = ?${throughMonth ? ' AND month <= ?' : ''} ORDER BY month`,
    throughMonth ? [storeAreaId, throughMonth] : [storeAreaId],
  );
  return rows.map(parseMeta);
}

/** The shelf kept with a close, if the close is still the one read (not rewritten meanwhile). */
async function shelfOf(q: Sql, c: StoreMonthClose, drawsOf?: ReadonlySet<string>): Promise<Shelf | null> {
  const row = await q.get<{ layers: string; closedAt: number; fundHwm: number }>(
    `SELECT closing_layers AS layers, closed_at AS "closedAt", fund_hwm AS "fundHwm" FROM store_month_closes WHERE store_area_id = ? AND month = ?`,
    [c.storeAreaId, c.month],
  );
  return row && row.closedAt === c.closedAt && row.fundHwm === c.fundHwm ? Shelf.fromLayers(row.layers, drawsOf) : null;
}

/**
 * How many of `closes` (oldest first, consecutive from the first) still hold. The job keeps every close
 * true to all books up to the newest close's high-water ids, so only what came after those can reach
 * back: a fund entry dated into a closed month, a purchase cost booked or reversed for goods that arrived
 * in or before one, or a movement committed late into one. Closes from the earliest month reached are stale.
 */
export async function validCloses(q: Sql, storeAreaId: number, closes: readonly StoreMonthClose[], opts: { movements?: boolean } = {}): Promise<number> {
  const n = unbroken(closes);
  if (!n) return 0;
  const last = closes[n - 1];
  const late = await lateEntriesOfStores(q, [storeAreaId], last.fundHwm);
  let movedMin: number | null = null;
  if (opts.movements !== false) {
    const moved = await q.get<{ t: number | null }>(
      `SELECT MIN(m.created_at) AS t FROM stock_movements m WHERE m.goods_id IN (SELECT id FROM goods WHERE store_area_id = ?) AND m.store_area_id = ? AND m.id > ?`,
      [storeAreaId, storeAreaId, last.movementHwm],
    );
    movedMin = moved?.t ?? null;
  }
  return holding(closes, n, late, movedMin);
}

/** How many closes from the first follow one another month by month. */
function unbroken(closes: readonly StoreMonthClose[]): number {
  let n = closes.length;
  for (let i = 1; i < n; i++) if (closes[i].month !== nextMonth(closes[i - 1].month)) n = i;
  return n;
}

interface LateEntry {
  storeAreaId: number;
  id: number;
  onDay: string;
  movedAt: number | null;
}

/** Fund entries after an id, with when the movement they cost (or whose cost they reverse) was made. */
async function lateEntriesOfStores(q: Sql, storeAreaIds: readonly number[], afterId: number): Promise<LateEntry[]> {
  return q.all<LateEntry>(
    `SELECT e.store_area_id AS "storeAreaId", e.id, e.on_day AS "onDay", COALESCE(m.created_at, mo.created_at) AS "movedAt"
       FROM fund_entries e
       LEFT JOIN stock_movements m ON m.id = e.movement_id
       LEFT JOIN fund_entries o ON o.id = e.reverses_id
       LEFT JOIN stock_movements mo ON mo.id = o.movement_id
      WHERE e.store_area_id IN (${storeAreaIds.map(() => '?').join(', ')}) AND e.id > ?`,
    [...storeAreaIds, afterId],
  );
}

/**
 * `validCloses` from what came after the `n` unbroken closes' last high-water ids: the entries after its
 * fund id, and the earliest moment among the movements after its movement id (null: none, or not looked at).
 */
function holding(closes: readonly StoreMonthClose[], n: number, late: readonly Pick<LateEntry, 'onDay' | 'movedAt'>[], movedMin: number | null): number {
  if (!n) return 0;
  const last = closes[n - 1];
  let reached: string | null = null;
  const reach = (month: string) => {
    if (month <= last.month && (reached === null || month < reached)) reached = month;
  };
  for (const e of late) {
    reach(e.onDay.slice(0, 7));
    if (e.movedAt != null) reach(shanghaiMonth(e.movedAt));
  }
  if (movedMin != null) reach(shanghaiMonth(movedMin));
  if (reached === null) return n;
  const stop: string = reached;
  return closes.slice(0, n).filter((c) => c.month < stop).length;
}

export interface StatementFigures {
  funds: FundFigures;
  stock: StockFigures;
}

/** The statement's figures replaying the store's whole history (no close, or none that holds). */
export async function replayedFigures(q: Sql, storeAreaId: number, span: Span): Promise<StatementFigures> {
  const entries = await bookedEntries(q, storeAreaId, { beforeDay: nextDay(span.to) });
  const moves = await movementsOfStoreAfter(q, storeAreaId, 0, span.toMs);
  return replay(entries, moves, await liveCostsAfter(q, storeAreaId, 0), span);
}

function replay(entries: readonly BookedEntry[], moves: readonly ValuedMovement[], costs: ReadonlyMap<number, number>, span: Span): StatementFigures {
  const funds = sumFunds(entries, span.from);
  const run = runStock(moves, costs, span.fromMs);
  return { funds, stock: stockFigures(run.openingStockFen, run.flows, run.goodsFlows, run.shelf, run.names) };
}

/**
 * What a store's statement over a span reads, fetched for many stores at once (`statementsFigures`):
 * the parts after a bound hold everything after it, so any close at or after the bound can be gone on from.
 */
interface StoreBooks {
  closes: StoreMonthClose[];
  /** Fund entries after `lateAfter` (id): what can reopen closes. */
  late: LateEntry[];
  lateAfter: number;
  /** Movements after `movesAfter` (id) made before the span's end, oldest first; live costs of movements after it. */
  moves: ValuedMovement[];
  costs: LiveCost[];
  movesAfter: number;
  /** Entries booked before the span's end day, from `entriesFrom` on ('': all). */
  entries: BookedEntry[];
  entriesFrom: string;
  /** Shelves kept with the closes of the months read (null: the close was gone by then). */
  shelves: Map<string, KeptShelf | null>;
  names: Map<number, { name: string; unit: string }>;
}

interface KeptShelf {
  storeAreaId: number;
  month: string;
  layers: string;
  closedAt: number;
  fundHwm: number;
}

/**
 * A store's statement figures over a span of whole months, from its month closes: the closed months
 * inside the span add up, the last close before the span's end gives the shelf and funds to go on from,
 * and only the movements and entries after it are replayed. The same numbers as replaying everything
 * (`replayedFigures`), which it falls back to when no close holds.
 */
export async function statementFigures(q: Sql, storeAreaId: number, span: Span): Promise<StatementFigures> {
  return (await statementsFigures(q, [storeAreaId], span)).get(storeAreaId)!;
}

/**
 * `statementFigures` of many stores with a few queries per IN_CHUNK stores instead of a few per store:
 * each store's books are read from the close it will most likely go on from; a store whose figures turn
 * out to need more (a late movement reopened that close) is read again from the start.
 */
export async function statementsFigures(q: Sql, storeAreaIds: readonly number[], span: Span): Promise<Map<number, StatementFigures>> {
  const toMonth = span.to.slice(0, 7);
  const out = new Map<number, StatementFigures>();
  const closes = groupBy(await inParts(storeAreaIds, (part) => q.all<MetaRow>(`SELECT ${META} FROM store_month_closes WHERE store_area_id IN (${marks(part)}) ORDER BY month`, part)).then((rows) => rows.map(parseMeta)));
  // The late entries of every store after its unbroken closes' last fund high-water id.
  const lateAfter = new Map(storeAreaIds.map((id) => { const all = closes.get(id) ?? []; return [id, all[unbroken(all) - 1]?.fundHwm ?? 0]; }));
  const withCloses = storeAreaIds.filter((id) => closes.has(id)).sort((a, b) => lateAfter.get(a)! - lateAfter.get(b)!);
  const late = groupBy(await inParts(withCloses, (part) => lateEntriesOfStores(q, part, lateAfter.get(part[0])!)));
  // The close each store goes on from unless a late movement reopens it.
  const base = new Map<number, StoreMonthClose | undefined>();
  for (const id of storeAreaIds) {
    const all = closes.get(id) ?? [];
    const valid = holding(all, unbroken(all), (late.get(id) ?? []).filter((e) => e.id > lateAfter.get(id)!), null);
    base.set(id, all.slice(0, valid).filter((x) => x.month <= toMonth).at(-1));
  }
  const read = async (ids: readonly number[], from: (id: number) => StoreMonthClose | undefined, shelvesOf: (id: number) => readonly string[]) => {
    // Parts of stores with a close to go on from apart from those replaying all (a part is read from its lowest bounds).
    const hwm = (id: number) => from(id)?.movementHwm ?? -1;
    const sorted = [...ids].sort((a, b) => hwm(a) - hwm(b));
    const parts: number[][] = [];
    for (const id of sorted) {
      const last = parts.at(-1);
      if (last && last.length < IN_CHUNK && (hwm(last[0]) < 0) === (hwm(id) < 0)) last.push(id);
      else parts.push([id]);
    }
    const books = new Map<number, StoreBooks>();
    for (const part of parts) {
      // Bounds of the part: its earliest close (sorted by movement id, so parts stay tight).
      const movesAfter = Math.min(...part.map((id) => from(id)?.movementHwm ?? 0));
      const days = part.map((id) => from(id)).map((c) => (c ? `${nextMonth(c.month)}-01` : ''));
      const entriesFrom = days.reduce((m, d) => (d < m ? d : m));
      const months = [...new Set(part.flatMap(shelvesOf))];
      const moves = groupBy(await movementsOfStoresAfter(q, part, movesAfter, span.toMs));
      const costs = groupBy(await liveCostsOfStoresAfter(q, part, movesAfter));
      const entries = groupBy(await bookedEntriesOfStores(q, part, { fromDay: entriesFrom || undefined, beforeDay: nextDay(span.to) }));
      const kept = months.length
        ? await q.all<KeptShelf>(
            `SELECT store_area_id AS "storeAreaId", month, closing_layers AS layers, closed_at AS "closedAt", fund_hwm AS "fundHwm" FROM store_month_closes
              WHERE store_area_id IN (${marks(part)}) AND month IN (${marks(months)})`,
            [...part, ...months],
          )
        : [];
      const names = groupBy(await q.all<{ storeAreaId: number; id: number; name: string; unit: string }>(`SELECT store_area_id AS "storeAreaId", id, name, unit FROM goods WHERE store_area_id IN (${marks(part)})`, part));
      for (const id of part) {
        const shelves = new Map<string, KeptShelf | null>(shelvesOf(id).map((m) => [m, kept.find((k) => k.storeAreaId === id && k.month === m) ?? null]));
        books.set(id, {
          closes: closes.get(id) ?? [],
          late: late.get(id) ?? [],
          lateAfter: lateAfter.get(id)!,
          moves: moves.get(id) ?? [],
          costs: costs.get(id) ?? [],
          movesAfter,
          entries: entries.get(id) ?? [],
          entriesFrom,
          shelves,
          names: new Map((names.get(id) ?? []).map((g) => [g.id, { name: g.name, unit: g.unit }])),
        });
      }
    }
    return books;
  };
  const again: number[] = [];
  for (const [id, b] of await read(storeAreaIds, (id) => base.get(id), (id) => { const c = base.get(id); return c ? [c.month] : []; })) {
    const f = figuresFromBooks(b, span);
    if (f) out.set(id, f);
    else again.push(id);
  }
  for (const [id, b] of await read(again, () => undefined, (id) => (closes.get(id) ?? []).map((c) => c.month))) out.set(id, figuresFromBooks(b, span)!);
  return out;
}

const marks = (values: readonly unknown[]) => values.map(() => '?').join(', ');

async function inParts<V, R>(values: readonly V[], query: (part: V[]) => Promise<R[]>): Promise<R[]> {
  return selectInChunks(values, async (part: V[]) => query(part));
}

function groupBy<R extends { storeAreaId: number }>(rows: readonly R[]): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const r of rows) {
    const list = out.get(r.storeAreaId);
    if (list) list.push(r);
    else out.set(r.storeAreaId, [r]);
  }
  return out;
}

/** `statementFigures` from a store's books, or null when the books do not reach back far enough. */
function figuresFromBooks(b: StoreBooks, span: Span): StatementFigures | null {
  const fromMonth = span.from.slice(0, 7);
  const toMonth = span.to.slice(0, 7);
  const all = b.closes;
  const n = unbroken(all);
  const last = all[n - 1];
  if (last && last.fundHwm < b.lateAfter) return null;
  const late = last ? b.late.filter((e) => e.id > last.fundHwm) : [];
  // Validity is judged against the newest close (whose high-water ids the whole chain is true to): little comes after it.
  let valid = holding(all, n, late, null);
  const newest = all[valid - 1];
  // Late movements are looked for by the replay itself when it goes on from the newest close (the dashboard's year).
  const goesOnFromNewest = newest !== undefined && newest.month <= toMonth && span.toMs > monthStartMs(nextMonth(newest.month));
  if (!goesOnFromNewest && last) {
    // Movements made after the span's end fall in months after it: they reopen no close the span uses.
    if (last.movementHwm < b.movesAfter) return null;
    const after = b.moves.filter((m) => m.id > last.movementHwm);
    valid = holding(all, n, late, after.length ? Math.min(...after.map((m) => m.createdAt)) : null);
  }
  const closes = all.slice(0, valid).filter((x) => x.month <= toMonth);
  const c = closes.at(-1);
  const replayed = () => (b.movesAfter === 0 && b.entriesFrom === '' ? replay(b.entries, b.moves, costsByMovement(b.costs), span) : null);
  if (!c) return replayed();
  const endMs = monthStartMs(nextMonth(c.month));
  const afterDay = `${nextMonth(c.month)}-01`;
  if (c.movementHwm < b.movesAfter || afterDay < b.entriesFrom) return null;
  // A span ending with the close needs nothing after it.
  const open = span.toMs > endMs;
  const moves = open ? b.moves.filter((m) => m.id > c.movementHwm) : [];
  // A movement dated into the closed months after the close was made: the close no longer holds.
  if (moves.some((m) => m.createdAt < endMs)) return replayed();
  const kept = b.shelves.get(c.month);
  if (kept === undefined) return null;
  // The close rewritten (or gone) since it was read.
  if (kept === null || kept.closedAt !== c.closedAt || kept.fundHwm !== c.fundHwm) return replayed();
  const shelf = Shelf.fromLayers(kept.layers, new Set(moves.filter((m) => m.kind === 'return').map(drawKey)));
  const run = runStock(moves, open ? costsByMovement(b.costs, c.movementHwm) : new Map<number, number>(), Math.max(span.fromMs, endMs), shelf);
  const entries = open ? b.entries.filter((e) => e.onDay >= afterDay) : [];
  const tail = sumFunds(entries, span.from > afterDay ? span.from : afterDay, c.closingFundsFen);

  const names = run.names;
  for (const id of shelf.lots.keys()) if (!names.has(id) && b.names.has(id)) names.set(id, b.names.get(id)!);
  if (fromMonth > c.month) return { funds: tail, stock: stockFigures(run.openingStockFen, run.flows, run.goodsFlows, shelf, names) };

  // Closed months inside the span: their figures add up; the close before the span opens it (none: nothing before the first close).
  const inside = closes.filter((x) => x.month >= fromMonth);
  const before = closes.find((x) => x.month === prevMonth(fromMonth));
  const flows = zeroFlows();
  const goodsFlows: GoodsFlows = new Map();
  const funds: FundFigures = { openingFundsFen: before?.closingFundsFen ?? 0, fundsInFen: 0, fundsInBySource: { budget: 0, partner: 0, donation: 0, collective: 0 }, purchasesFen: 0, closingFundsFen: 0 };
  for (const x of inside) {
    for (const k of FLOW_KEYS) flows[k] += x.figures[k];
    addGoodsFlows(goodsFlows, x.figures.goods.map(([id, redeemedQty, redemptionsCostFen]) => [id, { redeemedQty, redemptionsCostFen }]));
    funds.fundsInFen += x.figures.fundsInFen;
    for (const s of Object.keys(funds.fundsInBySource) as FundSource[]) funds.fundsInBySource[s] += x.figures.fundsInBySource[s];
    funds.purchasesFen += x.figures.purchasesFen;
  }
  for (const k of FLOW_KEYS) flows[k] += run.flows[k];
  addGoodsFlows(goodsFlows, run.goodsFlows);
  funds.fundsInFen += tail.fundsInFen;
  for (const s of Object.keys(funds.fundsInBySource) as FundSource[]) funds.fundsInBySource[s] += tail.fundsInBySource[s];
  funds.purchasesFen += tail.purchasesFen;
  funds.closingFundsFen = funds.openingFundsFen + funds.fundsInFen - funds.purchasesFen;
  return { funds, stock: stockFigures(before?.closingStockFen ?? 0, flows, goodsFlows, shelf, names) };
}


/** The first month a store has anything in its books (movements by when made, money by book day), or null. */
async function firstMonthOf(q: Sql, storeAreaId: number): Promise<string | null> {
  const m = await q.get<{ t: number | null }>(
    'SELECT MIN(m.created_at) AS t FROM stock_movements m WHERE m.goods_id IN (SELECT id FROM goods WHERE store_area_id = ?) AND m.store_area_id = ?',
    [storeAreaId, storeAreaId],
  );
  const e = await q.get<{ d: string | null }>('SELECT MIN(on_day) AS d FROM fund_entries WHERE store_area_id = ?', [storeAreaId]);
  const months = [m?.t != null ? shanghaiMonth(m.t) : null, e?.d != null ? e.d.slice(0, 7) : null].filter((x): x is string => x !== null);
  return months.length ? months.sort()[0] : null;
}

export interface ClosePlan {
  storeAreaId: number;
  /** The closes as read (month and stamp): the plan applies only if they are still these. */
  seen: { month: string; closedAt: number }[];
  /** Closes up to this month hold and stay; later ones are replaced (null: none stays). */
  keepThrough: string | null;
  rows: NewStoreMonthClose[];
  /** Why closing stopped before `throughMonth`, if it did. */
  stoppedAt?: { month: string; reason: string };
}

/**
 * Computes the closes a store lacks through `throughMonth`, going on from the last one that holds
 * (`fromScratch`: from nothing, for verify). Months are closed in order from the store's first month
 * with anything in its books; empty months too, so the chain has no gaps.
 */
export async function planCloses(q: Sql, storeAreaId: number, throughMonth: string, nowMs: number, opts: { fromScratch?: boolean } = {}): Promise<ClosePlan> {
  const closes = opts.fromScratch ? [] : await closesOfStore(q, storeAreaId);
  const seen = closes.map((c) => ({ month: c.month, closedAt: c.closedAt }));
  const base = closes[(await validCloses(q, storeAreaId, closes)) - 1];
  const shelf = base ? await shelfOf(q, base) : new Shelf();
  const plan: ClosePlan = { storeAreaId, seen, keepThrough: base?.month ?? null, rows: [] };
  if (!shelf) return { ...plan, keepThrough: closes.at(-1)?.month ?? null };
  const start = base ? nextMonth(base.month) : await firstMonthOf(q, storeAreaId);
  if (start === null || start > throughMonth) return plan;

  const cutoff = nowMs - SETTLE_MS;
  const hwm = await q.get<{ id: number | null }>('SELECT MAX(id) AS id FROM fund_entries WHERE store_area_id = ? AND created_at <= ?', [storeAreaId, cutoff]);
  const fundHwm = Math.max(hwm?.id ?? 0, base?.fundHwm ?? 0);
  const afterId = base?.movementHwm ?? 0;
  const moves = await movementsOfStoreAfter(q, storeAreaId, afterId, monthStartMs(nextMonth(throughMonth)));
  const costs = await liveCostsAfter(q, storeAreaId, afterId);
  const entries = await bookedEntries(q, storeAreaId, { fromDay: `${start}-01`, beforeDay: `${nextMonth(throughMonth)}-01` });
  // The earliest moment among the movements from each position on: a month's movements must be a prefix in id order.
  const laterMin: number[] = new Array<number>(moves.length + 1).fill(Infinity);
  for (let i = moves.length - 1; i >= 0; i--) laterMin[i] = Math.min(moves[i].createdAt, laterMin[i + 1]);

  let fundsFen = base?.closingFundsFen ?? 0;
  let movementHwm = afterId;
  let i = 0;
  for (let month = start; month <= throughMonth; month = nextMonth(month)) {
    const endMs = monthStartMs(nextMonth(month));
    const batch: ValuedMovement[] = [];
    while (i < moves.length && moves[i].createdAt < endMs) batch.push(moves[i++]);
    if (laterMin[i] < endMs || batch.some((m) => m.createdAt < monthStartMs(month))) {
      // Ids out of time order across the month's end (clock skew between servers): replay would not match a cut here.
      plan.stoppedAt = { month, reason: 'movement ids out of time order at the month end' };
      break;
    }
    const run = runStock(batch, costs, monthStartMs(month), shelf);
    const f = sumFunds(
      entries.filter((e) => e.onDay.slice(0, 7) === month),
      `${month}-01`,
      fundsFen,
    );
    fundsFen = f.closingFundsFen;
    for (const m of batch) movementHwm = Math.max(movementHwm, m.id);
    const goods = [...run.goodsFlows.entries()]
      .filter(([, g]) => g.redeemedQty !== 0 || g.redemptionsCostFen !== 0)
      .sort((a, b) => a[0] - b[0])
      .map(([id, g]): [number, number, number] => [id, g.redeemedQty, g.redemptionsCostFen]);
    plan.rows.push({
      storeAreaId,
      month,
      figures: { ...run.flows, fundsInFen: f.fundsInFen, fundsInBySource: f.fundsInBySource, purchasesFen: f.purchasesFen, goods },
      closingFundsFen: fundsFen,
      closingStockFen: shelf.value(),
      closingLayers: shelf.toLayers(),
      movementHwm,
      fundHwm,
      closedAt: nowMs,
    });
  }
  return plan;
}

/**
 * Applies a plan inside the caller's write transaction: nothing if another run changed the store's
 * closes since the plan read them; else stale closes out, new ones in. Returns the months written.
 */
export async function applyCloses(tx: Sql, plan: ClosePlan): Promise<string[]> {
  // Two runs at once (no scheduler lock, a lost lock connection): one store's check-then-write one at a time.
  if (tx.engine === 'pg') await lockName(tx, `store-month-closes:${plan.storeAreaId}`);
  const now = await tx.all<{ month: string; closedAt: number }>(
    'SELECT month, closed_at AS "closedAt" FROM store_month_closes WHERE store_area_id = ? ORDER BY month',
    [plan.storeAreaId],
  );
  if (JSON.stringify(now) !== JSON.stringify(plan.seen)) return [];
  const stale = plan.seen.filter((s) => plan.keepThrough === null || s.month > plan.keepThrough);
  if (!plan.rows.length && !stale.length) return [];
  await tx.run('DELETE FROM store_month_closes WHERE store_area_id = ? AND month > ?', [plan.storeAreaId, plan.keepThrough ?? '']);
  const written: string[] = [];
  for (const r of plan.rows) {
    const row = await tx.get<{ month: string }>(
      `INSERT INTO store_month_closes (store_area_id, month, figures, closing_funds_fen, closing_stock_fen, closing_layers, movement_hwm, fund_hwm, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_area_id, month) DO NOTHING RETURNING month`,
      [r.storeAreaId, r.month, JSON.stringify(r.figures), r.closingFundsFen, r.closingStockFen, r.closingLayers, r.movementHwm, r.fundHwm, r.closedAt],
    );
    if (row) written.push(row.month);
  }
  return written;
}

/** Every store (villages and townships), by id. */
export async function storeIds(q: Sql): Promise<number[]> {
  const rows = await q.all<{ id: number }>(`SELECT id FROM areas WHERE kind IN ('village', 'township') ORDER BY id`);
  return rows.map((r) => r.id);
}

/** A close's shelf as kept (verify compares it to a recomputation). */
export async function keptLayers(q: Sql, storeAreaId: number, month: string): Promise<string | undefined> {
  return (await q.get<{ layers: string }>('SELECT closing_layers AS layers FROM store_month_closes WHERE store_area_id = ? AND month = ?', [storeAreaId, month]))?.layers;
}

/** The day a month ends (for messages). */
export function lastDayOf(month: string): string {
  return shanghaiDay(monthStartMs(nextMonth(month)) - 1);
}
