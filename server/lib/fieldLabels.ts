/**
 * Chinese names of the request fields a person fills in, so a refused form says 「户主姓名」 rather than
 * `headName`. Validation messages name the field by its last path key; a key not listed keeps its name.
 */
export const fieldLabels: Record<string, string> = {
  action: '操作',
  active: '启用',
  areaId: '区域',
  batchId: '批次',
  blackList: '失信名单',
  categories: '类别',
  category: '类别',
  code: '兑换码',
  decision: '决定',
  detail: '说明',
  displayName: '姓名',
  donor: '捐赠方',
  donorKind: '捐赠方类型',
  doorNo: '门牌号',
  evidenceUrl: '佐证照片',
  expiryMonths: '有效月数',
  goodsId: '商品',
  groupId: '村民小组',
  headName: '户主姓名',
  householdId: '农户',
  idNumber: '身份证号',
  items: '明细',
  kind: '类型',
  memberName: '家庭成员',
  members: '家庭成员',
  monthlyCap: '每月上限',
  monthlyLimit: '每月限兑',
  name: '名称',
  note: '备注',
  noticeDays: '公示天数',
  occurredOn: '发生日期',
  parentId: '上级区域',
  password: '密码',
  period: '期间',
  phone: '手机号',
  pin: '卡密码',
  points: '积分',
  price: '价格',
  quantity: '数量',
  reason: '理由',
  receivedOn: '日期',
  rectifiedOn: '整改日期',
  relation: '关系',
  resolution: '处理意见',
  role: '角色',
  ruleId: '积分项目',
  stock: '库存',
  storeAreaId: '超市',
  unit: '单位',
  username: '用户名',
  validFrom: '生效日期',
  valueFen: '价值',
  villageId: '村',
};

/** A field path as a person reads it: the label of its last named key, with a row number for list items. */
export function fieldLabel(path: readonly (string | number)[]): string {
  const keys = path.filter((p): p is string => typeof p === 'string');
  const last = keys.at(-1);
  const label = last ? (fieldLabels[last] ?? last) : '';
  const row = path.find((p): p is number => typeof p === 'number');
  return row === undefined ? label : `第 ${row + 1} 行${label}`;
}
