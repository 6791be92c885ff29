import { z } from 'zod';
import { normalizeText } from '../../lib/normalize';
import { Day, Paging } from '../../lib/params';
import { PurchaseCostFields } from '../funds/schemas';

const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^<>{}\\`$]*$/, '含有不允许的字符');

export const CreateGoodsBody = z.object({
  storeAreaId: z.number().int().positive(),
  name: Text(60),
  category: Text(20).optional(),
  price: z.number().int().min(1).max(1_000_000),
  unit: Text(10).default('件'),
  stock: z.number().int().min(0).max(1_000_000).default(0),
  monthlyLimit: z.number().int().min(1).max(1000).optional(),
});
export type CreateGoodsBody = z.infer<typeof CreateGoodsBody>;

export const UpdateGoodsBody = z
  .object({
    name: Text(60),
    category: Text(20).nullable(),
    price: z.number().int().min(1).max(1_000_000),
    unit: Text(10),
    monthlyLimit: z.number().int().min(1).max(1000).nullable(),
    active: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateGoodsBody = z.infer<typeof UpdateGoodsBody>;

export const StockBody = z
  .object({
    quantity: z.number().int().min(1).max(1_000_000),
    kind: z.enum(['purchase', 'donation', 'loss']),
    donor: Text(80).optional(),
    donorKind: z.enum(['enterprise', 'organisation', 'unit', 'person']).default('enterprise'),
    anonymous: z.boolean().default(false),
    valueFen: z.number().int().min(0).max(10_000_000_000).optional(),
    receivedOn: Day.optional(),
    note: Text(200).optional(),
    // A purchase's supplier, invoice and cost in fen (booked in the store's money books).
    ...PurchaseCostFields,
  })
  .refine((b) => b.kind !== 'donation' || !!b.donor, { message: '捐赠入库需要填写捐赠方', path: ['donor'] })
  .refine((b) => b.kind === 'purchase' || [b.supplier, b.invoiceNo, b.unitCostFen, b.totalCostFen].every((v) => v === undefined), {
    message: '只有采购入库可以填写供应商、发票和进价',
    path: ['kind'],
  });
export type StockBody = z.infer<typeof StockBody>;

export const ListGoodsQuery = z.object({
  storeAreaId: z.coerce.number().int().positive().optional(),
  q: z.string().overwrite(normalizeText).max(30).optional(),
  includeInactive: z.enum(['0', '1']).default('0'),
  ...Paging,
});
export type ListGoodsQuery = z.infer<typeof ListGoodsQuery>;

export const ListMovementsQuery = z.object({
  goodsId: z.coerce.number().int().positive().optional(),
  storeAreaId: z.coerce.number().int().positive().optional(),
  ...Paging,
});
export type ListMovementsQuery = z.infer<typeof ListMovementsQuery>;
