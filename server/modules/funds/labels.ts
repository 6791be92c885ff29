import type { FundSource } from './schemas';

/** 资金来源 as the books and the statement name them. */
export const fundSourceLabels: Record<FundSource, string> = {
  budget: '财政拨款',
  partner: '帮扶单位',
  donation: '社会捐赠',
  collective: '村集体',
};

export const fundKindLabels = { funding: '资金拨入', purchase: '采购支出', reversal: '冲正' } as const;

/** Fen as yuan with two decimals, the way an account book writes it. */
export const yuan = (fen: number): number => Math.round(fen) / 100;
