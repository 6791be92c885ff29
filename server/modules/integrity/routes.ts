import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { answer, doc } from '../../lib/apiDoc';
import { publicCtxOf, type AppEnv } from '../../lib/http';
import { getChainHead } from './getChainHead';

const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const ChainHeadsAnswer = z.object({
  lastEntryId: z.number().int(),
  hash: z.string(),
  villages: z.array(z.object({ id: z.number().int(), name: z.string(), lastSeq: z.number().int(), hash: Hash })),
});

export const integrityRoutes = new Hono<AppEnv>().get(
  '/public/chain-head',
  describeRoute(doc({ tags: ['public'], zh: '各村账本哈希链的链头（无需登录）', en: 'Head of every village ledger chain (no login)', access: 'public', noInput: true, ok: { status: 200, schema: ChainHeadsAnswer } })),
  async (c) => c.json(answer(ChainHeadsAnswer, await getChainHead(publicCtxOf(c))), 200),
);
