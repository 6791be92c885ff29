import type { dishonestyReasons } from '../../db/credit/listings';
import type { HouseholdCategory } from '../../db/households/households';
import type { ruleCategories } from '../../db/rules/rules';

/**
 * Chinese labels of the codes that print pages and spreadsheets show. The one server-side owner: the
 * web app has its own (i18n, with English), everything on the server imports these.
 */

/**
 * The seven codes of the county template as its headings were named at migration 0011. Pages and
 * exports name categories through the area's headings (`headingNamer` in server/modules/rules); this is
 * the fallback for a code no heading row knows.
 */
export const ruleCategoryLabels: Record<(typeof ruleCategories)[number], string> = {
  public_welfare: '公益劳动',
  hygiene: '环境卫生',
  family_virtue: '孝老爱亲',
  civility: '移风易俗',
  law_abiding: '遵纪守法',
  industrious: '勤劳致富',
  education: '教育',
};

/** A rule category's label; an unknown code is shown as it is. */
export function ruleCategoryLabel(c: string): string {
  return (ruleCategoryLabels as Record<string, string>)[c] ?? c;
}

export const householdCategoryLabels: Record<HouseholdCategory, string> = {
  general: '一般户',
  poverty_exited: '脱贫户',
  monitored: '监测户',
  dibao: '低保户',
  wubao: '五保户',
};

export const donorKindLabels = { enterprise: '企业', organisation: '社会组织', unit: '单位', person: '个人' } as const;

/** Why a household is on the dishonesty list (失信名单): the category a counter may show, never the details. */
export const dishonestyReasonLabels: Record<(typeof dishonestyReasons)[number], string> = {
  concealment: '隐瞒真实情况',
  refuses_support: '拒不履行赡养义务',
  fraudulent_claim: '虚报冒领',
  public_order: '扰乱公共秩序',
  other: '其他失信行为',
};
