import type { Ctx } from '../../lib/context';
import { exportName, writeWorkbook, type SheetSpec, type XlsxFile } from '../excel/writeWorkbook';
import { getDashboard, type Dashboard } from './getDashboard';
import type { DashboardChart, DashboardExportQuery } from './schemas';

const chartTitles: Record<DashboardChart, string> = {
  monthly: '每月奖励与兑换积分',
  categories: '分类积分',
  participation: '各村参与率',
  goods: '兑换最多的商品',
  stock: '库存价值',
  lowStock: '库存不足商品',
  donations: '每月捐赠',
  money: '超市资金',
};

function sheets(d: Dashboard, where: string): Record<DashboardChart, SheetSpec<unknown>> {
  const spec = <T>(chart: DashboardChart, columns: SheetSpec<T>['columns'], rows: T[]) =>
    ({ name: chartTitles[chart], title: `${where} ${chartTitles[chart]}`, columns, rows }) as unknown as SheetSpec<unknown>;
  return {
    monthly: spec('monthly', [
      { header: '月份', width: 10, value: (r) => r.month },
      { header: '奖励积分', width: 10, value: (r) => r.awarded },
      { header: '扣除积分', width: 10, value: (r) => r.deducted },
      { header: '兑换积分', width: 10, value: (r) => r.redeemed },
    ], d.monthly),
    categories: spec('categories', [
      { header: '类别', width: 16, value: (r) => r.name },
      { header: '所属', width: 12, value: (r) => (r.place === 'template' ? '县模板' : (r.areaName ?? '')) },
      { header: '奖励积分', width: 10, value: (r) => r.awarded },
      { header: '扣除积分', width: 10, value: (r) => r.deducted },
      { header: '笔数', width: 8, value: (r) => r.entries },
    ], d.categories),
    participation: spec('participation', [
      { header: '村', width: 12, value: (r) => r.village },
      { header: '在册户数', width: 10, value: (r) => r.households },
      { header: '获得奖励户数', width: 13, value: (r) => r.participating },
      { header: '参与率（%）', width: 11, value: (r) => r.rate },
    ], d.participation),
    goods: spec('goods', [
      { header: '商品', width: 16, value: (r) => r.name },
      { header: '超市', width: 12, value: (r) => r.store },
      { header: '兑换数量', width: 10, value: (r) => r.quantity },
      { header: '单位', width: 6, value: (r) => r.unit },
    ], d.topGoods),
    stock: spec('stock', [
      { header: '超市', width: 12, value: (r) => r.store },
      { header: '商品种数', width: 10, value: (r) => r.goodsCount },
      { header: '库存件数', width: 10, value: (r) => r.units },
      { header: '库存价值（积分）', width: 16, value: (r) => r.value },
    ], d.stock),
    lowStock: spec('lowStock', [
      { header: '商品', width: 16, value: (r) => r.name },
      { header: '超市', width: 12, value: (r) => r.store },
      { header: '库存', width: 8, value: (r) => r.stock },
      { header: '单位', width: 6, value: (r) => r.unit },
      { header: '兑换价（积分）', width: 14, value: (r) => r.price },
    ], d.lowStock),
    donations: spec('donations', [
      { header: '月份', width: 10, value: (r) => r.month },
      { header: '捐赠笔数', width: 10, value: (r) => r.donations },
      { header: '物品数量', width: 10, value: (r) => r.quantity },
      { header: '金额/估值（元）', width: 15, value: (r) => r.amountYuan },
    ], d.donations),
    money: spec('money', [
      { header: '超市', width: 12, value: (r) => r.store },
      { header: '期初资金（元）', width: 14, value: (r) => r.openingFundsFen / 100 },
      { header: '拨入（元）', width: 12, value: (r) => r.fundsInFen / 100 },
      { header: '采购（元）', width: 12, value: (r) => r.purchasesFen / 100 },
      { header: '期末资金（元）', width: 14, value: (r) => r.closingFundsFen / 100 },
      { header: '兑换积分', width: 10, value: (r) => r.redeemedPoints },
      { header: '积分折合（元）', width: 14, value: (r) => r.redemptionsPointsValueFen / 100 },
      { header: '兑换成本（元）', width: 14, value: (r) => r.redemptionsCostFen / 100 },
      { header: '报损成本（元）', width: 14, value: (r) => r.lossesCostFen / 100 },
      { header: '期末库存价值（元）', width: 18, value: (r) => r.closingStockFen / 100 },
    ], d.money),
  };
}

/** The numbers behind one dashboard chart (or all of them, one sheet each) as a workbook. */
export async function exportDashboard(ctx: Ctx, query: DashboardExportQuery): Promise<XlsxFile> {
  const d = await getDashboard(ctx, query);
  const where = `${d.area.name} ${d.period}`;
  const all = sheets(d, where);
  const chosen = query.chart ? [all[query.chart]] : Object.values(all);
  const at = ctx.now.getTime();
  const body = await writeWorkbook(chosen, at);
  return { filename: exportName(query.chart ? chartTitles[query.chart] : '数据看板', d.area.name, at, d.period), body };
}
