import { z } from 'zod';
import { toHalfWidth } from '../../lib/normalize';
import { Paging } from '../../lib/params';

/** A typed number is read out in groups ("28 1234 5678 …") and may arrive in full-width digits: keep the digits. */
const typedDigits = (value: string) => {
  const half = toHalfWidth(value).trim();
  return /^[\d\s-]+$/.test(half) ? half.replace(/[\s-]/g, '') : half;
};

export const Code = z
  .string()
  .overwrite(typedDigits)
  .min(4)
  .max(120)
  .regex(/^[A-Za-z0-9._-]+$/, '码的格式不正确');
export const Pin = z.string().regex(/^\d{4,6}$/, 'PIN 为 4–6 位数字');

export const LookupBody = z.object({ code: Code, pin: Pin.optional() });
export type LookupBody = z.infer<typeof LookupBody>;

export const RedeemBody = z.object({
  code: Code,
  pin: Pin.optional(),
  items: z
    .array(z.object({ goodsId: z.number().int().positive(), quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((i) => i.goodsId)).size === items.length, '同一商品请合并数量'),
});
export type RedeemBody = z.infer<typeof RedeemBody>;

export const IdempotencyKey = z
  .string()
  .min(8, 'Idempotency-Key 至少 8 个字符')
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'Idempotency-Key 格式不正确');

export const IssueCardBody = z.object({ pin: Pin });
export type IssueCardBody = z.infer<typeof IssueCardBody>;

export const ListRedemptionsQuery = z.object({
  householdId: z.coerce.number().int().positive().optional(),
  /** '1': only today's (Asia/Shanghai), for the counter's recent list. */
  today: z.enum(['0', '1']).optional(),
  ...Paging,
});
export type ListRedemptionsQuery = z.infer<typeof ListRedemptionsQuery>;

/** Why a cadre shows a household's code for it; the household reads this on its own page. */
export const AssistedPassBody = z.object({ reason: z.string().trim().min(2, '请写明代为出示的原因').max(200) });
export type AssistedPassBody = z.infer<typeof AssistedPassBody>;
