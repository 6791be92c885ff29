import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc, xlsx } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { consoleRoles } from '../../lib/roles';
import { sendXlsx } from '../excel/sendXlsx';
import { exportDashboard } from './exportDashboard';
import { getDashboard } from './getDashboard';
import { DashboardAnswer } from './responses';
import { DashboardExportQuery, DashboardQuery } from './schemas';

const viewers = consoleRoles;

export const dashboardRoutes = new Hono<AppEnv>()
  .get('/dashboard', describeRoute(doc({ tags: ['dashboard'], zh: '区域某期的积分、参与率、商品与捐赠统计', en: 'Points, participation, goods and donation figures of an area and period', ok: { status: 200, schema: DashboardAnswer }, errors: ['not_found'] })), allow(...viewers), valid('query', DashboardQuery), async (c) =>
    c.json(answer(DashboardAnswer, await getDashboard(ctxOf(c), c.req.valid('query'))), 200),
  )
  .get('/exports/dashboard.xlsx', describeRoute(doc({ tags: ['dashboard'], zh: '导出统计图表背后的数据（单个或全部）', en: 'The numbers behind one chart, or all of them', ok: { status: 200, binary: xlsx('The figures as an Excel workbook') }, errors: ['export_too_large', 'not_found'] })), allow(...viewers), valid('query', DashboardExportQuery), async (c) =>
    sendXlsx(c, await exportDashboard(ctxOf(c), c.req.valid('query'))),
  );
