import { html, raw } from 'hono/html';
import { replicaDb } from '../../../../db/client';
import { shanghaiDay } from '../../../../db/time';
import type { PublicCtx } from '../../../lib/context';
import { NotFound } from '../../../lib/errors';
import { donorKindLabels } from '../../../lib/labels';
import { areaChainHead, chainHeadLabel } from '../chainHead';
import { computeBoard } from '../computeBoard';
import { getPublicHouseholdStars, publishedStarBoard, type PublishedStars } from '../getHouseholdStars';
import { getPublicPublication, getPublishedBoard } from '../getPublishedBoard';
import { listDonations, getHonourRoll } from '../listDonations';
import { listNotices } from '../listNotices';
import { loadArea } from '../boardArea';
import { computeStars } from '../computeStars';
import type { BoardKind, BoardQuery } from '../schemas';
import { StarParams } from '../schemas';
import { specOf } from '../specOf';
import { boardHash, canonicalJson } from '../snapshot';
import { boardPoster } from './posterOf';
import { posterProof } from './posterProof';
import { dayLabel, document, messagePage, periodLabel, qrSvg, renderPoster, starsText, type Cell, type Html } from './layout';

export interface Printed {
  status: 200 | 404;
  page: Html | Promise<Html>;
}

const notYet = (what: string): Printed => ({ status: 404, page: messagePage(what, `${what}尚未发布`) });

/** The latest published red/black/star board (or published leaderboard) of an area and period. */
export async function printPublished(ctx: PublicCtx, kind: BoardKind, areaId: number, period: string, origin: string): Promise<Printed> {
  const found = await getPublishedBoard(ctx, kind, areaId, period);
  if (!found.board || !found.publication) return notYet(`${found.area.trail} ${periodLabel(period)}榜单`);
  const url = `${origin}/public/publications/${found.publication.id}`;
  return { status: 200, page: await boardPoster(ctx, found.board, found.publication, url) };
}

export async function printPublication(ctx: PublicCtx, id: number, origin: string): Promise<Printed> {
  const found = await getPublicPublication(ctx, id);
  return { status: 200, page: await boardPoster(ctx, found.board, found.publication, `${origin}/public/publications/${id}`) };
}

/** Leaderboards and village comparisons print live: the hash and chain head say exactly what they were computed from. */
export async function printLive(ctx: PublicCtx, kind: 'leaderboard' | 'villages', areaId: number, q: BoardQuery, origin: string, search: string): Promise<Printed> {
  const spec = specOf(kind, areaId, q);
  const computed = await computeBoard(replicaDb(ctx.db), spec);
  return { status: 200, page: await boardPoster(ctx, computed.board, null, `${origin}/public/areas/${areaId}/${kind}${search}`, computed.hash) };
}

/** A live page's hash over its content and the chain head of its area, and the head as the footer names it. */
async function liveHash(ctx: PublicCtx, areaId: number, content: unknown) {
  const db = replicaDb(ctx.db);
  const { row } = await loadArea(db, areaId);
  const head = await areaChainHead(db, row);
  return { hash: boardHash(canonicalJson(content), head.hash), chainHead: chainHeadLabel(row.kind, head) };
}

export async function printNotices(ctx: PublicCtx, areaId: number, origin: string): Promise<Printed> {
  const n = await listNotices(ctx, areaId);
  const { hash, chainHead } = await liveHash(ctx, areaId, n);
  const rows: Cell[][] = n.villages.flatMap((v) =>
    v.items.map((i): Cell[] => [
      v.name,
      i.name,
      i.rule,
      i.points,
      i.occurredOn,
      i.noticeEndsAt ? shanghaiDay(i.noticeEndsAt) : '',
      i.objections.open ? `${i.objections.open} 条处理中` : i.objections.upheld ? '异议成立' : i.objections.dismissed ? '异议不成立' : '无',
    ]),
  );
  return {
    status: 200,
    page: await renderPoster({
      title: '积分公示',
      trail: n.area.trail,
      periodLabel: '公示期内',
      publishedAt: null,
      now: ctx.now.getTime(),
      onlineUrl: `${origin}/public/areas/${areaId}/notices`,
      hash,
      chainHead,
      proof: await posterProof(ctx, areaId),
      columns: [
        { label: '村', width: '22mm' },
        { label: '户主', width: '22mm' },
        { label: '事项' },
        { label: '积分', width: '13mm', align: 'right' },
        { label: '发生日期', width: '24mm', align: 'center' },
        { label: '公示截止', width: '30mm', align: 'center' },
        { label: '异议', width: '22mm', align: 'center' },
      ],
      rows,
      emptyText: '目前没有公示中的积分申报',
      note: '公示期内如有异议，可登录本户账号提出，或向村评议小组反映。异议人的信息不公开。',
    }),
  };
}

const yuan = (fen: number | null) => (fen == null ? '' : `${(fen / 100).toFixed(2)} 元`);

export async function printDonations(ctx: PublicCtx, areaId: number, year: string | undefined, origin: string): Promise<Printed> {
  const d = await listDonations(ctx, areaId, { year, limit: 500, offset: 0 });
  const { hash, chainHead } = await liveHash(ctx, areaId, d);
  return {
    status: 200,
    page: await renderPoster({
      title: '捐赠公开',
      trail: d.area.trail,
      periodLabel: year ? `${year}年度` : '全部',
      publishedAt: null,
      now: ctx.now.getTime(),
      onlineUrl: `${origin}/public/areas/${areaId}/donations${year ? `?year=${year}` : ''}`,
      hash,
      chainHead,
      proof: await posterProof(ctx, areaId),
      tone: 'red',
      columns: [
        { label: '日期', width: '22mm', align: 'center' },
        { label: '捐赠方', width: '40mm' },
        { label: '物品/款项' },
        { label: '数量', width: '16mm', align: 'right' },
        { label: '价值', width: '24mm', align: 'right' },
        { label: '已兑换/剩余', width: '22mm', align: 'center' },
        { label: '超市', width: '20mm' },
      ],
      rows: d.items.map((i): Cell[] => [
        i.receivedOn,
        i.donor,
        i.what,
        i.quantity != null ? `${i.quantity}${i.unit ?? ''}` : '',
        yuan(i.amountFen),
        i.drawdown ? `${i.drawdown.redeemed}/${i.drawdown.remaining}` : '',
        i.store,
      ]),
      emptyText: '暂无捐赠记录',
      note: '捐赠物品按先进先出计入兑换：每次兑换先扣减最早入库的一批库存。个人捐赠者姓名隐去部分字，匿名捐赠不显示姓名。',
    }),
  };
}

export async function printHonourRoll(ctx: PublicCtx, areaId: number, year: string | undefined, origin: string): Promise<Printed> {
  const r = await getHonourRoll(ctx, areaId, year);
  const { hash, chainHead } = await liveHash(ctx, areaId, r);
  return {
    status: 200,
    page: await renderPoster({
      title: '企业扶贫光荣榜',
      trail: r.area.trail,
      periodLabel: year ? `${year}年度` : '累计',
      publishedAt: null,
      now: ctx.now.getTime(),
      onlineUrl: `${origin}/public/areas/${areaId}/donations${year ? `?year=${year}` : ''}`,
      hash,
      chainHead,
      proof: await posterProof(ctx, areaId),
      tone: 'gold',
      columns: [
        { label: '名次', width: '14mm', align: 'center' },
        { label: '捐赠单位' },
        { label: '类别', width: '24mm', align: 'center' },
        { label: '捐赠次数', width: '22mm', align: 'right' },
        { label: '捐赠总价值', width: '34mm', align: 'right' },
      ],
      rows: r.items.map((i): Cell[] => [i.rank, i.donor, donorKindLabels[i.donorKind], i.donations, yuan(i.totalFen)]),
      emptyText: '暂无捐赠单位',
      note: '感谢以上单位对爱心超市的支持。按捐赠总价值排名。',
    }),
  };
}

const YIELD_AFTER_MS = 10;

/** What one plaque shows: the household as the public sees it, and its published stars (null before publication). */
interface Plaque {
  householdId: number;
  name: string;
  trail: string;
  published: PublishedStars | null;
}

/** 门牌: one A4 plaque per household with its published stars and a QR code to its public star page. */
async function printPlaques(ctx: PublicCtx, list: Plaque[], year: string, origin: string): Promise<Html> {
  const plaques: Html[] = [];
  let ranSince = performance.now();
  for (const s of list) {
    // A village's sheet costs ~1 ms a household (QR drawing): health checks and the counter go in between.
    // The data was read before; a sheet that saw a write meanwhile is not cached (printCache).
    if (performance.now() - ranSince > YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      ranSince = performance.now();
    }
    const qr = await qrSvg(`${origin}/public/households/${s.householdId}/stars?year=${year}`);
    const stars = s.published?.stars ?? 0;
    plaques.push(
      html`<section class="sheet plaque">
        <div class="plaque__frame">
          <div class="plaque__year">${year}年度</div>
          <h1 class="plaque__title">星级文明户</h1>
          <div class="plaque__stars">${s.published ? starsText(stars) : '评定中'}</div>
          <div class="plaque__name">${s.name}</div>
          <div class="plaque__village">${s.trail}</div>
          <div class="plaque__dims">${s.published?.dimensions.join('　') ?? ''}</div>
          <div class="plaque__qr">${raw(qr)}<div>扫码查看星级</div></div>
          <div class="plaque__foot">${s.published ? `发布日期：${dayLabel(s.published.publishedAt ?? ctx.now.getTime())} · 榜单哈希 ${s.published.hash.slice(0, 16)}…` : '本年度星级尚未发布'}</div>
        </div>
      </section>`,
    );
  }
  const extra = html`<style>
    .plaque { justify-content: center; }
    .plaque__frame { margin: 20mm 10mm; border: 3mm double #b8860b; border-radius: 6mm; padding: 14mm 10mm; text-align: center; }
    .plaque__year { font-size: 16pt; color: #555; }
    .plaque__title { font-family: "Noto Serif CJK SC", serif; font-size: 44pt; color: #c8161d; letter-spacing: 0.2em; margin: 6mm 0; }
    .plaque__stars { font-size: 48pt; color: #e6a700; letter-spacing: 0.1em; }
    .plaque__name { font-size: 30pt; font-weight: 700; margin-top: 8mm; }
    .plaque__village { font-size: 16pt; margin-top: 3mm; }
    .plaque__dims { font-size: 14pt; color: #b8860b; margin-top: 5mm; min-height: 8mm; }
    .plaque__qr svg { width: 34mm; height: 34mm; margin-top: 8mm; }
    .plaque__qr div { font-size: 10pt; color: #555; }
    .plaque__foot { font-size: 8pt; color: #666; margin-top: 6mm; }
  </style>`;
  return document('星级文明户门牌', '#b8860b', html`${extra}${plaques}`);
}

export async function printPlaque(ctx: PublicCtx, householdId: number, year: string, origin: string): Promise<Printed> {
  const s = await getPublicHouseholdStars(ctx, householdId, year);
  return { status: 200, page: await printPlaques(ctx, [{ householdId, name: s.name, trail: s.village.trail, published: s.published }], year, origin) };
}

/** Every active household of a village, one plaque per page, in the star board's order. */
export async function printVillagePlaques(ctx: PublicCtx, villageId: number, year: string, origin: string): Promise<Printed> {
  const db = replicaDb(ctx.db);
  const loaded = await loadArea(db, villageId);
  if (loaded.row.kind !== 'village') throw new NotFound('村不存在');
  // The village, its households and its published star board are read once for the whole sheet.
  const items = await computeStars(db, loaded, year, StarParams.parse({}));
  const published = await publishedStarBoard(db, villageId, year);
  const list = items.map((i) => ({ householdId: i.householdId, name: i.name, trail: loaded.area.trail, published: published.of(i.householdId) }));
  return { status: 200, page: await printPlaques(ctx, list, year, origin) };
}
