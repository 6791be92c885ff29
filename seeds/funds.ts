import { storeAreas } from '../db/areas';
import type { Db } from '../db/client';
import { insertFundEntry, type FundSource } from '../db/funds/entries';
import { movementsOfStoreBefore } from '../db/funds/stock';
import { goodsById } from '../db/goods/goods';
import { shanghaiDay } from '../db/time';
import { transaction } from '../db/transaction';
import { writeAudit } from '../server/lib/audit';
import { Random } from './random';

const SEED_DEVICE = { ip: null, userAgent: 'seed' } as const;
const SUPPLIERS = ['镇供销合作社', '青山县粮油公司', '石门日用品批发部', '桃源百货商行'];
const PARTNERS = ['县农业银行', '县供电公司', '县人民医院', '青山中学'];

/** The Shanghai day of a moment, and the first day of its quarter. */
const quarterStart = (day: string) => `${day.slice(0, 4)}-${String(Math.floor((Number(day.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
const dayStartMs = (day: string) => Date.parse(`${day}T09:00:00+08:00`);

/**
 * The demo's money books: every purchase the history received is costed (supplier, invoice number,
 * a cost below the points price at 1 元 a point), and each store is funded a year long — 财政拨款 each
 * quarter covering its purchases, a 帮扶单位 twice, the 村集体 once, a 社会捐赠 now and then. Entries go
 * through the same store functions and audit writer as the app, at the moment of each.
 */
export async function seedFunds(db: Db, now: Date): Promise<{ entries: number }> {
  const rng = new Random(20260613);
  let entries = 0;
  const price = new Map<number, number>();
  for (const store of await storeAreas(db)) {
    const purchases = (await movementsOfStoreBefore(db, store.id, now.getTime() + 1)).filter((m) => m.kind === 'purchase');
    if (!purchases.length) continue;
    const supplier = rng.pick(SUPPLIERS);
    const costs: { movementId: number; goodsId: number; quantity: number; fen: number; at: number; createdBy: number | null }[] = [];
    for (const m of purchases) {
      if (!price.has(m.goodsId)) price.set(m.goodsId, (await goodsById(db, m.goodsId))?.price ?? 10);
      // A unit costs 70–95 % of its points price at 1 元 a point, in whole jiao.
      const unitFen = Math.max(10, Math.round((price.get(m.goodsId)! * 100 * rng.int(70, 95)) / 1000) * 10);
      costs.push({ movementId: m.id, goodsId: m.goodsId, quantity: m.quantity, fen: unitFen * m.quantity, at: m.createdAt, createdBy: null });
    }
    // Funding by quarter: enough for the quarter's purchases and a margin, rounded to 100 元.
    const byQuarter = new Map<string, number>();
    for (const c of costs) byQuarter.set(quarterStart(shanghaiDay(c.at)), (byQuarter.get(quarterStart(shanghaiDay(c.at))) ?? 0) + c.fen);
    const funding: { source: FundSource; name: string; fen: number; day: string; note: string | null }[] = [];
    const quarters = [...byQuarter.keys()].sort();
    for (const q of quarters) funding.push({ source: 'budget', name: '青山县财政局', fen: Math.ceil((byQuarter.get(q)! * 0.9) / 10_000) * 10_000, day: q, note: '爱心超市专项资金' });
    const first = quarters[0];
    funding.push({ source: 'partner', name: rng.pick(PARTNERS), fen: rng.int(20, 50) * 10_000, day: first.replace(/-01$/, '-15'), note: '结对帮扶' });
    if (quarters.length > 2) funding.push({ source: 'partner', name: rng.pick(PARTNERS), fen: rng.int(20, 50) * 10_000, day: quarters[2].replace(/-01$/, '-15'), note: '结对帮扶' });
    funding.push({ source: 'collective', name: '村集体经济合作社', fen: rng.int(10, 30) * 10_000, day: first.replace(/-01$/, '-05'), note: null });
    for (const q of quarters) if (rng.chance(0.5)) funding.push({ source: 'donation', name: rng.pick(['爱心人士', '在外乡贤', '青山商会']), fen: rng.int(5, 20) * 10_000, day: q.replace(/-01$/, '-20'), note: '现金捐赠' });

    await transaction(db, async (tx) => {
      for (const f of funding.filter((x) => dayStartMs(x.day) <= now.getTime()).sort((a, b) => (a.day < b.day ? -1 : 1))) {
        const at = dayStartMs(f.day);
        const e = await insertFundEntry(tx, { storeAreaId: store.id, kind: 'funding', source: f.source, sourceName: f.name, amountFen: f.fen, onDay: f.day, note: f.note, createdAt: at });
        await writeAudit(tx, { now: new Date(at), device: SEED_DEVICE, actor: null }, { entity: 'fund_entry', entityId: e.id, action: 'fund_entry.funding', areaId: store.id, after: e });
        entries += 1;
      }
      let invoice = rng.int(1000, 9000);
      for (const c of costs) {
        const day = shanghaiDay(c.at);
        const e = await insertFundEntry(tx, {
          storeAreaId: store.id,
          kind: 'purchase',
          amountFen: -c.fen,
          onDay: day,
          supplier,
          invoiceNo: `${day.slice(0, 4)}-${String(store.id).padStart(3, '0')}-${invoice++}`,
          movementId: c.movementId,
          goodsId: c.goodsId,
          quantity: c.quantity,
          createdAt: c.at,
        });
        await writeAudit(tx, { now: new Date(c.at), device: SEED_DEVICE, actor: null }, { entity: 'fund_entry', entityId: e.id, action: 'fund_entry.purchase', areaId: store.id, after: e });
        entries += 1;
      }
    });
  }
  return { entries };
}
