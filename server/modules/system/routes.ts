import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../../lib/http';

export const systemRoutes = new Hono<AppEnv>().get('/health', describeRoute({ tags: ['system'], summary: 'Liveness' }), (c) =>
  c.json({ ok: true as const }, 200),
);
