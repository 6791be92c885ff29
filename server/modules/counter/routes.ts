import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc, type RouteDoc } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles } from '../../lib/roles';
import { Invalid } from '../../lib/errors';
import { IdParam } from '../../lib/params';
import { issueAssistedPass, issuePass } from './issuePass';
import { getRedemption, listRedemptions } from './listRedemptions';
import { lookupCode } from './lookupCode';
import { issueCard, revokeCard, unlockCard } from './manageCard';
import { redeem } from './redeem';
import { CardAnswer, LookupAnswer, PassAnswer, RedemptionAnswer, RedemptionListAnswer, RedemptionReceiptAnswer, RevokedCardAnswer, UnlockedCardAnswer } from './responses';
import { AssistedPassBody, IdempotencyKey, IssueCardBody, ListRedemptionsQuery, LookupBody, RedeemBody } from './schemas';

const cadres = managerRoles;
/** What reading a scanned or typed code may answer: a pass used or expired, a card revoked, locked or with a wrong PIN. */
const codeRefusals: NonNullable<RouteDoc['errors']> = ['card_locked', 'card_not_found', 'card_revoked', 'code_expired', 'code_used', 'invalid_code', 'invalid_store', 'not_found', 'pin_required', 'redemption_suspended', 'too_many_requests', 'wrong_pin'];

export const counterRoutes = new Hono<AppEnv>()
  .post('/households/:id/pass', describeRoute(doc({ tags: ['counter'], zh: '农户本人的一次性兑换码（60 秒有效）', en: "A one-time QR code for the counter (60 s), for the household's own account", ok: { status: 201, schema: PassAnswer }, errors: ['household_archived', 'not_found'] })), allow('household'), valid('param', IdParam), async (c) =>
    c.json(answer(PassAnswer, await issuePass(ctxOf(c), c.req.valid('param').id)), 201),
  )
  .post(
    '/households/:id/assisted-pass',
    describeRoute(doc({ tags: ['counter'], zh: '村干部代农户出示兑换码（须说明理由，留痕并告知农户）', en: 'A cadre shows the code for a household (reason required; audited and shown to the household)', ok: { status: 201, schema: PassAnswer }, errors: ['household_archived', 'not_found'] })),
    allow('village_cadre'),
    valid('param', IdParam),
    valid('json', AssistedPassBody),
    async (c) => c.json(answer(PassAnswer, await issueAssistedPass(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 201),
  )
  .post(
    '/households/:id/cards',
    describeRoute(doc({ tags: ['counter'], zh: '发放带 PIN 的实体卡（原卡作废）', en: 'Issue a printed card with a PIN (revokes the previous one)', ok: { status: 201, schema: CardAnswer }, errors: ['household_archived', 'not_found'] })),
    allow(...cadres),
    valid('param', IdParam),
    valid('json', IssueCardBody),
    async (c) => c.json(answer(CardAnswer, await issueCard(ctxOf(c), c.req.valid('param').id, c.req.valid('json').pin)), 201),
  )
  .post('/cards/:id/revoke', describeRoute(doc({ tags: ['counter'], zh: '作废实体卡', en: 'Revoke a printed card', ok: { status: 200, schema: RevokedCardAnswer }, errors: ['card_not_found', 'not_found'] })), allow(...cadres), valid('param', IdParam), async (c) =>
    c.json(answer(RevokedCardAnswer, await revokeCard(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/cards/:id/unlock', describeRoute(doc({ tags: ['counter'], zh: '解锁因 PIN 错误被锁定的卡', en: 'Unlock a card locked by wrong PINs', ok: { status: 200, schema: UnlockedCardAnswer }, errors: ['card_not_found', 'card_revoked', 'not_found'] })), allow(...cadres), valid('param', IdParam), async (c) =>
    c.json(answer(UnlockedCardAnswer, await unlockCard(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post('/counter/lookup', describeRoute(doc({ tags: ['counter'], zh: '查询扫到的码属于哪一户（不扣分）', en: 'Who a scanned or typed code belongs to (spends nothing)', ok: { status: 200, schema: LookupAnswer }, errors: codeRefusals })), allow('clerk'), valid('json', LookupBody), async (c) =>
    c.json(answer(LookupAnswer, await lookupCode(ctxOf(c), c.req.valid('json'))), 200),
  )
  .post(
    '/redemptions',
    describeRoute(
      doc({
        tags: ['counter'],
        zh: '用积分兑换商品（须带 Idempotency-Key 请求头）',
        en: 'Redeem goods for points; needs an Idempotency-Key header',
        idempotencyKey: true,
        ok: { status: 201, schema: RedemptionAnswer, description: 'The redemption; a replay of the same key and body answers it again with Idempotent-Replayed: true' },
        errors: [...codeRefusals, 'household_archived', 'idempotency_key_required', 'idempotency_mismatch', 'insufficient_points', 'insufficient_stock', 'limit_exceeded'],
      }),
    ),
    allow('clerk'),
    valid('json', RedeemBody),
    async (c) => {
      const header = c.req.header('idempotency-key');
      if (!header) throw new Invalid('缺少 Idempotency-Key 请求头', undefined, 'idempotency_key_required');
      const key = IdempotencyKey.safeParse(header);
      if (!key.success) throw new Invalid(key.error.issues[0]?.message ?? 'Idempotency-Key 格式不正确', undefined, 'invalid');
      const result = await redeem(ctxOf(c), key.data, c.req.valid('json'));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(answer(RedemptionAnswer, result.body), result.status);
    },
  )
  .get('/redemptions', describeRoute(doc({ tags: ['counter'], zh: '兑换记录（营业员看本超市的；?today=1 为今日）', en: "Redemptions (a clerk sees its store's; ?today=1 for today's)", access: 'session', ok: { status: 200, schema: RedemptionListAnswer }, errors: ['invalid_store', 'not_found'] })), allow(...allRoles), valid('query', ListRedemptionsQuery), async (c) =>
    c.json(answer(RedemptionListAnswer, await listRedemptions(ctxOf(c), c.req.valid('query'))), 200),
  )
  .get('/redemptions/:id', describeRoute(doc({ tags: ['counter'], zh: '一笔兑换及其商品（可再次出示或打印的小票）', en: 'One redemption with its goods: a receipt to show or print again', access: 'session', ok: { status: 200, schema: RedemptionReceiptAnswer }, errors: ['not_found'] })), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(answer(RedemptionReceiptAnswer, await getRedemption(ctxOf(c), c.req.valid('param').id)), 200),
  );
