import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { consoleRoles } from '../../lib/roles';
import { sendXlsx } from '../excel/sendXlsx';
import { exportDashboard } from './exportDashboard';
import { getDashboard } from './getDashboard';
import { DashboardExportQuery, DashboardQuery } from './schemas';

const viewers = consoleRoles;

export const dashboardRoutes = new Hono<AppEnv>()
  .get('/dashboard', describeRoute({ tags: ['dashboard'], summary: 'Points, participation, goods and donation figures of an area and period' }), allow(...viewers), valid('query', DashboardQuery), async (c) =>
    c.json(await getDashboard(ctxOf(c), c.req.valid('query')), 200),
  )
  .get('/exports/dashboard.xlsx', describeRoute({ tags: ['dashboard'], summary: 'The numbers behind one chart, or all of them' }), allow(...viewers), valid('query', DashboardExportQuery), async (c) =>
    sendXlsx(c, await exportDashboard(ctxOf(c), c.req.valid('query'))),
  );
