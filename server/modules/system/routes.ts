import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { answer, doc } from '../../lib/apiDoc';
import type { AppEnv } from '../../lib/http';

const Health = z.object({ ok: z.literal(true) });

export const systemRoutes = new Hono<AppEnv>().get('/health', describeRoute(doc({ tags: ['system'], zh: '存活检查', en: 'Liveness', access: 'public', noInput: true, ok: { status: 200, schema: Health } })), (c) =>
  c.json(answer(Health, { ok: true }), 200),
);
