// Household, rule-category and donor labels are server/lib/labels.ts' (the one server-side owner).

export type Relation = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling' | 'other';

export const relationLabels: Record<Relation, string> = {
  head: '户主',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  grandchild: '孙子女',
  sibling: '兄弟姐妹',
  other: '其他',
};

/** What cadres actually write in the 关系 bracket, mapped to the stored relation. */
export const relationWords: Record<string, Relation> = {
  配偶: 'spouse', 妻子: 'spouse', 丈夫: 'spouse', 妻: 'spouse', 夫: 'spouse', 爱人: 'spouse',
  子女: 'child', 儿子: 'child', 女儿: 'child', 子: 'child', 女: 'child', 长子: 'child', 次子: 'child', 长女: 'child', 次女: 'child', 儿媳: 'child', 女婿: 'child',
  父母: 'parent', 父亲: 'parent', 母亲: 'parent', 父: 'parent', 母: 'parent',
  孙子女: 'grandchild', 孙子: 'grandchild', 孙女: 'grandchild', 外孙: 'grandchild', 外孙女: 'grandchild',
  兄弟姐妹: 'sibling', 兄弟: 'sibling', 姐妹: 'sibling', 哥哥: 'sibling', 弟弟: 'sibling', 姐姐: 'sibling', 妹妹: 'sibling',
  其他: 'other',
};

export const awardStatusLabels = { pending: '待评议', notice: '公示中', posted: '已入账', rejected: '已驳回' } as const;
export const ledgerKindLabels = { award: '奖励', deduction: '扣分', redemption: '兑换', reversal: '冲正', expiry: '过期清零', adjustment: '调整' } as const;
export const movementKindLabels = { purchase: '采购入库', donation: '捐赠入库', redemption: '兑换出库', loss: '损耗', return: '退回' } as const;
/** Roster columns, in template order; the import matches these header texts. */
export const rosterHeaders = ['户主姓名', '门牌号', '村民小组', '类别', '手机号', '身份证号', '家庭成员'] as const;

/** Other header spellings seen in real rosters. */
export const rosterAliases: Record<string, string> = {
  户主: '户主姓名',
  姓名: '户主姓名',
  户主名称: '户主姓名',
  门牌: '门牌号',
  门牌号码: '门牌号',
  小组: '村民小组',
  组别: '村民小组',
  村组: '村民小组',
  户类别: '类别',
  户类型: '类别',
  联系电话: '手机号',
  电话: '手机号',
  手机: '手机号',
  身份证: '身份证号',
  身份证号码: '身份证号',
  户主身份证号: '身份证号',
  成员: '家庭成员',
  家庭成员姓名: '家庭成员',
};

export const scoreHeaders = ['户编号', '户主姓名', '门牌号', '细则', '细则编号', '数量'] as const;
export const scoreAliases: Record<string, string> = {
  户主: '户主姓名',
  姓名: '户主姓名',
  农户编号: '户编号',
  户ID: '户编号',
  细则名称: '细则',
  积分细则: '细则',
  项目: '细则',
  细则ID: '细则编号',
  次数: '数量',
};
