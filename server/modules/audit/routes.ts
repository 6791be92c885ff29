import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { listAudit } from './listAudit';
import { ListAuditQuery } from './schemas';

export const auditRoutes = new Hono<AppEnv>().get(
  '/audit',
  describeRoute({ tags: ['audit'], summary: 'Who did what, when, to which record' }),
  allow('county_admin', 'township_admin', 'village_cadre', 'reviewer'),
  valid('query', ListAuditQuery),
  (c) => c.json(listAudit(ctxOf(c), c.req.valid('query')), 200),
);
