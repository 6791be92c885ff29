import { z } from 'zod';
import { householdCategories } from '../../../db/households/households';
import { isValidIdNumber, MOBILE_PATTERN } from '../../lib/identity';
import { normalizeIdNumber, normalizePhone, normalizeText } from '../../lib/normalize';
import { Day, Paging } from '../../lib/params';

/** Han characters, Latin letters and the middle dot of minority names; nothing that could be markup. */
export const PersonName = z
  .string()
  .trim()
  .min(1, '姓名不能为空')
  .max(30)
  .regex(/^[\p{Script=Han}A-Za-z·・. ]+$/u, '姓名只能包含汉字、字母和间隔号');

// overwrite (not preprocess) keeps the request type `string` for the typed web client.
export const Phone = z.string().overwrite(normalizePhone).regex(MOBILE_PATTERN, '手机号应为 11 位数字');
export const IdNumber = z.string().overwrite(normalizeIdNumber).refine(isValidIdNumber, '身份证号格式或校验位不正确');
/**
 * An ID number held by a household of another village gets this answer, the same wherever it is:
 * a cadre must not learn where someone outside the village is registered.
 */
export const ID_NUMBER_UNAVAILABLE = '该身份证号无法登记，请核对或联系乡镇';
export const ID_NUMBER_IN_VILLAGE = '本村已有户主登记了该身份证号';

export const DoorNo = z
  .string()
  .overwrite(normalizeText)
  .min(1)
  .max(20)
  .regex(/^[\p{Script=Han}A-Za-z0-9\-#号栋组单元室 ]+$/u, '门牌号含有不允许的字符');

export const HouseholdCategory = z.enum(householdCategories);

export const MemberInput = z.object({
  name: PersonName,
  relation: z.enum(['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other']).default('other'),
  idNumber: IdNumber.optional(),
  phone: Phone.optional(),
  isProxy: z.boolean().default(false),
});
export type MemberInput = z.infer<typeof MemberInput>;

export const CreateHouseholdBody = z.object({
  villageId: z.number().int().positive(),
  groupId: z.number().int().positive().optional(),
  headName: PersonName,
  doorNo: DoorNo.optional(),
  phone: Phone.optional(),
  idNumber: IdNumber.optional(),
  category: HouseholdCategory.default('general'),
  members: z.array(MemberInput).max(30).default([]),
});
export type CreateHouseholdBody = z.infer<typeof CreateHouseholdBody>;

export const UpdateHouseholdBody = z
  .object({
    headName: PersonName,
    groupId: z.number().int().positive().nullable(),
    doorNo: DoorNo.nullable(),
    phone: Phone.nullable(),
    idNumber: IdNumber.nullable(),
    status: z.enum(['active', 'archived']),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateHouseholdBody = z.infer<typeof UpdateHouseholdBody>;

export const ChangeCategoryBody = z.object({
  category: HouseholdCategory,
  validFrom: Day,
  reason: z.string().trim().min(1).max(200),
});
export type ChangeCategoryBody = z.infer<typeof ChangeCategoryBody>;

export const ListHouseholdsQuery = z.object({
  villageId: z.coerce.number().int().positive().optional(),
  groupId: z.coerce.number().int().positive().optional(),
  category: HouseholdCategory.optional(),
  q: z.string().overwrite(normalizeText).max(30).optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
  ...Paging,
});
export type ListHouseholdsQuery = z.infer<typeof ListHouseholdsQuery>;
