import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles } from '../../lib/roles';
import { Invalid } from '../../lib/errors';
import { IdParam } from '../../lib/params';
import { issueAssistedPass, issuePass } from './issuePass';
import { getRedemption, listRedemptions } from './listRedemptions';
import { lookupCode } from './lookupCode';
import { issueCard, revokeCard, unlockCard } from './manageCard';
import { redeem } from './redeem';
import { AssistedPassBody, IdempotencyKey, IssueCardBody, ListRedemptionsQuery, LookupBody, RedeemBody } from './schemas';

const cadres = managerRoles;

export const counterRoutes = new Hono<AppEnv>()
  .post('/households/:id/pass', describeRoute({ tags: ['counter'], summary: "A one-time QR code for the counter (60 s), for the household's own account" }), allow('household'), valid('param', IdParam), async (c) =>
    c.json(await issuePass(ctxOf(c), c.req.valid('param').id), 201),
  )
  .post(
    '/households/:id/assisted-pass',
    describeRoute({ tags: ['counter'], summary: 'A cadre shows the code for a household (reason required; audited and shown to the household)' }),
    allow('village_cadre'),
    valid('param', IdParam),
    valid('json', AssistedPassBody),
    async (c) => c.json(await issueAssistedPass(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 201),
  )
  .post(
    '/households/:id/cards',
    describeRoute({ tags: ['counter'], summary: 'Issue a printed card with a PIN (revokes the previous one)' }),
    allow(...cadres),
    valid('param', IdParam),
    valid('json', IssueCardBody),
    async (c) => c.json(await issueCard(ctxOf(c), c.req.valid('param').id, c.req.valid('json').pin), 201),
  )
  .post('/cards/:id/revoke', describeRoute({ tags: ['counter'], summary: 'Revoke a printed card' }), allow(...cadres), valid('param', IdParam), async (c) =>
    c.json(await revokeCard(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/cards/:id/unlock', describeRoute({ tags: ['counter'], summary: 'Unlock a card locked by wrong PINs' }), allow(...cadres), valid('param', IdParam), async (c) =>
    c.json(await unlockCard(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/counter/lookup', describeRoute({ tags: ['counter'], summary: 'Who a scanned code belongs to (spends nothing)' }), allow('clerk'), valid('json', LookupBody), async (c) =>
    c.json(await lookupCode(ctxOf(c), c.req.valid('json')), 200),
  )
  .post(
    '/redemptions',
    describeRoute({ tags: ['counter'], summary: 'Redeem goods for points; needs an Idempotency-Key header' }),
    allow('clerk'),
    valid('json', RedeemBody),
    async (c) => {
      const header = c.req.header('idempotency-key');
      if (!header) throw new Invalid('缺少 Idempotency-Key 请求头', undefined, 'idempotency_key_required');
      const key = IdempotencyKey.safeParse(header);
      if (!key.success) throw new Invalid(key.error.issues[0]?.message ?? 'Idempotency-Key 格式不正确', undefined, 'invalid');
      const result = await redeem(ctxOf(c), key.data, c.req.valid('json'));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body, result.status);
    },
  )
  .get('/redemptions', describeRoute({ tags: ['counter'], summary: "Redemptions (a clerk sees its store's; ?today=1 for today's)" }), allow(...allRoles), valid('query', ListRedemptionsQuery), async (c) =>
    c.json(await listRedemptions(ctxOf(c), c.req.valid('query')), 200),
  )
  .get('/redemptions/:id', describeRoute({ tags: ['counter'], summary: 'One redemption with its goods: a receipt to show or print again' }), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(await getRedemption(ctxOf(c), c.req.valid('param').id), 200),
  );
