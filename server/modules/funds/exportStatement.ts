import { readDb } from '../../../db/client';
import { listFundEntriesOfStore } from '../../../db/funds/entries';
import type { Ctx } from '../../lib/context';
import { exportName, writeWorkbook, type SheetSpec, type XlsxFile } from '../excel/writeWorkbook';
import { getManagedStore } from '../goods/stores';
import { statementOf, type Statement } from './getStatement';
import { fundKindLabels, fundSourceLabels, yuan } from './labels';
import type { StatementQuery } from './schemas';

interface Line {
  item: string;
  fen: number | null;
  qty: number | string | null;
  note: string;
}

/** The statement as the lines an auditor reads down: funds, then goods, each ending in its balance. */
export function statementLines(s: Statement): Line[] {
  const pv = `每分 ${yuan(s.pointValueFen)} 元`;
  return [
    { item: '一、资金', fen: null, qty: null, note: '' },
    { item: '期初资金余额', fen: s.openingFundsFen, qty: null, note: '' },
    ...Object.entries(s.fundsInBySource).map(([k, fen]) => ({ item: `· 本月拨入：${fundSourceLabels[k as keyof typeof fundSourceLabels]}`, fen, qty: null, note: '' })),
    { item: '本月拨入合计', fen: s.fundsInFen, qty: null, note: '含冲正' },
    { item: '本月采购支出', fen: s.purchasesFen, qty: null, note: '按发票进价，含冲正' },
    { item: '期末资金余额', fen: s.closingFundsFen, qty: null, note: '期初 + 拨入 − 采购' },
    { item: '二、商品（先进先出计价）', fen: null, qty: null, note: '' },
    { item: '期初库存价值', fen: s.openingStockFen, qty: null, note: '' },
    { item: '采购入库', fen: s.purchasesInFen, qty: s.purchasedQty, note: '按进价' },
    { item: '捐赠入库', fen: s.donationsInFen, qty: s.donatedQty, note: '按捐赠估值' },
    { item: '兑换冲正退回', fen: s.returnsInFen, qty: s.returnedQty, note: '按原出库成本' },
    { item: '兑换出库（成本）', fen: s.redemptionsCostFen, qty: s.redeemedQty, note: `其中捐赠商品 ${yuan(s.redemptionsDonatedCostFen)} 元` },
    { item: '报损出库（成本）', fen: s.lossesCostFen, qty: s.lostQty, note: '' },
    { item: '期末库存价值', fen: s.closingStockFen, qty: s.closingQty, note: s.closingUncostedQty ? `其中 ${s.closingUncostedQty} 件无进价，按 0 计` : '' },
    { item: '三、兑换', fen: null, qty: null, note: '' },
    { item: '兑换积分（净额）', fen: null, qty: s.netRedeemedPoints, note: '兑换积分 − 冲正退回积分' },
    { item: '兑换积分折合金额', fen: s.redemptionsPointsValueFen, qty: null, note: pv },
    { item: '兑换商品成本（净额）', fen: s.netRedemptionsCostFen, qty: null, note: '兑换出库 − 冲正退回' },
  ];
}

/** 月度对账单 as a workbook: the statement, the goods on the shelf, the month's money entries. */
export async function exportStatement(ctx: Ctx, q: StatementQuery): Promise<XlsxFile> {
  const db = readDb(ctx.db);
  const store = await getManagedStore(db, ctx.actor, q.storeAreaId);
  const s = await statementOf(db, store, q.month);
  const at = ctx.now.getTime();
  const { items } = await listFundEntriesOfStore(db, { storeAreaId: store.id, fromDay: s.from, toDay: s.to, limit: 100_000, offset: 0 });
  const title = `${store.name} ${q.month} 月度对账单`;
  const summary: SheetSpec<Line> = {
    name: '对账单',
    title,
    columns: [
      { header: '项目', width: 28, value: (l) => l.item },
      { header: '金额（元）', width: 16, value: (l) => (l.fen === null ? null : yuan(l.fen)) },
      { header: '数量 / 积分', width: 14, value: (l) => l.qty },
      { header: '说明', width: 34, value: (l) => l.note },
    ],
    rows: statementLines(s),
  };
  const goods: SheetSpec<Statement['goods'][number]> = {
    name: '商品',
    title: `${title}：期末库存与兑换`,
    columns: [
      { header: '商品', width: 20, value: (g) => g.name },
      { header: '单位', width: 8, value: (g) => g.unit },
      { header: '期末数量', width: 12, value: (g) => g.closingQty },
      { header: '期末价值（元）', width: 16, value: (g) => yuan(g.closingStockFen) },
      { header: '本月兑换数量', width: 14, value: (g) => g.redeemedQty },
      { header: '兑换成本（元）', width: 16, value: (g) => yuan(g.redemptionsCostFen) },
    ],
    rows: s.goods,
  };
  const entries: SheetSpec<(typeof items)[number]> = {
    name: '资金流水',
    title: `${title}：资金流水`,
    columns: [
      { header: '编号', width: 8, value: (e) => e.id },
      { header: '日期', width: 12, value: (e) => e.onDay },
      { header: '类型', width: 10, value: (e) => fundKindLabels[e.kind] },
      { header: '来源', width: 10, value: (e) => (e.source ? fundSourceLabels[e.source] : null) },
      { header: '来源单位 / 供应商', width: 22, value: (e) => e.sourceName ?? e.supplier },
      { header: '发票号', width: 16, value: (e) => e.invoiceNo, text: true },
      { header: '商品', width: 16, value: (e) => (e.goodsName ? `${e.goodsName} ×${e.quantity}` : null) },
      { header: '金额（元）', width: 14, value: (e) => yuan(e.amountFen) },
      { header: '冲正', width: 14, value: (e) => (e.reversesId ? `冲正 #${e.reversesId}` : e.reversedBy ? `已被 #${e.reversedBy} 冲正` : null) },
      { header: '备注', width: 24, value: (e) => e.note },
      { header: '经办人', width: 12, value: (e) => e.createdByName },
    ],
    rows: [...items].reverse(),
  };
  return { filename: exportName('月度对账单', store.name, at, q.month), body: await writeWorkbook([summary, goods, entries] as SheetSpec<unknown>[], at) };
}
