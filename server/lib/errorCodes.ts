/**
 * The closed list of error codes the API answers with, shared by the server, the OpenAPI document and
 * the web client. No imports: web/ imports this file as it is.
 *
 * `status` is the HTTP status the code is answered with (bad_credentials is also a 403 when a signed-in
 * user's current password is wrong); `zh` and `en` are the default messages
 * (a thrown error may carry a more precise Chinese one; an English client gets `en`).
 */
export const errorCatalog = {
  // 400: the request itself is wrong
  invalid: { status: 400, zh: '请求参数有误', en: 'The request is invalid' },
  invalid_text: { status: 400, zh: '请求含有无法识别的字符', en: 'The request contains characters that are not valid text' },
  idempotency_key_required: { status: 400, zh: '缺少 Idempotency-Key 请求头', en: 'The Idempotency-Key header is required' },
  invalid_area: { status: 400, zh: '区域不正确', en: 'The area is not valid here' },
  invalid_parent: { status: 400, zh: '上级区域不正确', en: 'The parent area is not valid' },
  invalid_group: { status: 400, zh: '分组不正确', en: 'The group is not valid' },
  invalid_store: { status: 400, zh: '超市不正确', en: 'The store is not valid' },
  invalid_code: { status: 400, zh: '兑换码无效', en: 'The code is not valid' },
  pin_required: { status: 400, zh: '请输入 PIN', en: 'A PIN is required for this card' },
  evidence_required: { status: 400, zh: '请提供佐证材料', en: 'Evidence is required' },
  future_date: { status: 400, zh: '日期不能晚于今天', en: 'The date cannot be in the future' },
  duplicate_household: { status: 400, zh: '同一户重复出现', en: 'The same household appears more than once' },
  bad_file: { status: 400, zh: '无法读取该 Excel 文件，请另存为 .xlsx 后重试', en: 'The Excel file cannot be read; save it as .xlsx and try again' },
  empty_file: { status: 400, zh: '文件为空', en: 'The file is empty' },
  missing_header: { status: 400, zh: '表头缺少必需的列', en: 'The sheet header lacks a required column' },
  unknown_heading: { status: 400, zh: '类别不存在', en: 'No such catalogue heading in this area' },
  bad_image: { status: 400, zh: '无法识别的图片，请上传 JPEG、PNG 或 WebP 照片', en: 'Not an image that can be read; upload a JPEG, PNG or WebP photo' },
  unknown_evidence: { status: 400, zh: '照片不存在或不是您上传的', en: 'The photo does not exist or was not uploaded by you' },
  // 401
  unauthorized: { status: 401, zh: '请先登录', en: 'Please sign in first' },
  bad_credentials: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  // 403
  forbidden: { status: 403, zh: '没有权限执行此操作', en: 'You are not allowed to do this' },
  bad_origin: { status: 403, zh: '请求来源不被允许', en: 'Requests from this origin are not allowed' },
  role_not_allowed: { status: 403, zh: '不能管理该角色的账号', en: 'You cannot manage accounts of this role' },
  own_account: { status: 403, zh: '自己的账号请在“修改密码”中修改', en: 'Change your own account through "change password"' },
  own_proposal: { status: 403, zh: '不能审核自己提交的申请', en: 'You cannot review your own proposal' },
  own_objection: { status: 403, zh: '不能处理自己提出的异议', en: 'You cannot resolve your own objection' },
  not_within_authority: { status: 403, zh: '超出您的权限范围', en: 'This is outside your authority' },
  // 404, 405
  not_found: { status: 404, zh: '记录不存在', en: 'Not found' },
  card_not_found: { status: 404, zh: '卡不存在', en: 'The card does not exist' },
  method_not_allowed: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  // 409: the state changed under the request
  conflict: { status: 409, zh: '数据冲突，请检查后重试', en: 'The data conflicts; check and try again' },
  code_used: { status: 409, zh: '兑换码已使用', en: 'The code has already been used' },
  idempotency_in_progress: { status: 409, zh: '同一请求正在处理中，请稍后再试', en: 'The same request is still being processed; try again shortly' },
  id_number_taken: { status: 409, zh: '身份证号已登记', en: 'The ID number is already registered' },
  username_taken: { status: 409, zh: '用户名已被使用', en: 'The username is taken' },
  duplicate_heading: { status: 409, zh: '类别名称已存在', en: 'A heading of that name already exists here' },
  invalid_status: { status: 409, zh: '当前状态不允许此操作', en: 'Not allowed in the current state' },
  listing_exists: { status: 409, zh: '已有相同的名单申请', en: 'A listing already exists' },
  not_on_notice: { status: 409, zh: '该申报不在公示期', en: 'The award is not on public notice' },
  objection_exists: { status: 409, zh: '已提出过异议', en: 'An objection already exists' },
  publication_pending: { status: 409, zh: '已有待审核的发布申请', en: 'A publication is already pending review' },
  rectification_exists: { status: 409, zh: '该记录已有整改', en: 'A rectification already exists for this record' },
  already_reversed: { status: 409, zh: '该流水已冲正', en: 'The entry has already been reversed' },
  board_unchanged: { status: 409, zh: '榜单与上次发布相同', en: 'The board is the same as the last published one' },
  already_costed: { status: 409, zh: '该次采购已登记进价', en: 'The purchase already has a cost' },
  // 410
  code_expired: { status: 410, zh: '兑换码已过期，请重新出示', en: 'The code has expired; show a new one' },
  card_revoked: { status: 410, zh: '该卡已作废', en: 'The card has been revoked' },
  // 413, 415
  payload_too_large: { status: 413, zh: '请求内容过大', en: 'The request is too large' },
  sheet_too_large: { status: 413, zh: '表格过大，请拆分后分批导入', en: 'The sheet is too large; split it and import in parts' },
  file_too_large: { status: 413, zh: '文件解压后过大', en: 'The file is too large once unpacked' },
  image_too_large: { status: 413, zh: '照片过大', en: 'The photo is too large' },
  unsupported_media_type: { status: 415, zh: '请求内容必须是 JSON', en: 'The request body must be JSON' },
  // 422: well-formed but refused by a rule
  insufficient_points: { status: 422, zh: '积分不足', en: 'Not enough points' },
  insufficient_stock: { status: 422, zh: '库存不足', en: 'Not enough stock' },
  limit_exceeded: { status: 422, zh: '超出兑换限额', en: 'The limit is exceeded' },
  mixed_stores: { status: 422, zh: '一次兑换只能包含同一超市的商品', en: 'One redemption may hold goods of one store only' },
  idempotency_mismatch: { status: 422, zh: '同一 Idempotency-Key 用于了不同的请求', en: 'The Idempotency-Key was used for a different request' },
  wrong_pin: { status: 422, zh: 'PIN 不正确', en: 'The PIN is wrong' },
  household_archived: { status: 422, zh: '该户已归档', en: 'The household is archived' },
  monthly_cap_exceeded: { status: 422, zh: '超出本月积分上限', en: 'The monthly points cap is exceeded' },
  entry_reversed: { status: 422, zh: '该流水已被冲正', en: 'The entry was reversed' },
  not_reversible: { status: 422, zh: '该流水不能冲正', en: 'This entry cannot be reversed' },
  not_black_listed: { status: 422, zh: '该户不在黑榜上', en: 'The household is not on the black list' },
  wrong_area_kind: { status: 422, zh: '区域级别不正确', en: 'The area is of the wrong kind' },
  import_has_errors: { status: 422, zh: '导入数据有错误，请修正后重试', en: 'The import has errors; fix them and try again' },
  nothing_to_import: { status: 422, zh: '没有可导入的数据', en: 'There is nothing to import' },
  export_too_large: { status: 422, zh: '导出内容过多，请缩小范围', en: 'The export is too large; narrow it down' },
  period_closed: { status: 422, zh: '该月的账已结，请记在本月', en: 'That month is closed; book it in the current month' },
  not_a_purchase: { status: 422, zh: '只有采购入库可以登记进价', en: 'Only a purchase can carry a cost' },
  // 423
  card_locked: { status: 423, zh: '该卡因 PIN 错误次数过多已锁定', en: 'The card is locked after too many wrong PINs' },
  redemption_suspended: { status: 423, zh: '该户的兑换已暂停', en: 'Redemption is suspended for this household' },
  // 429
  too_many_requests: { status: 429, zh: '尝试过于频繁，请稍后再试', en: 'Too many attempts; try again later' },
  account_locked: { status: 429, zh: '密码错误次数过多，账号已暂时锁定', en: 'Too many wrong passwords; the account is locked for a while' },
  // 500, 503
  internal: { status: 500, zh: '服务器内部错误，请稍后重试', en: 'Internal server error; try again later' },
  busy: { status: 503, zh: '服务器繁忙，请稍后再试', en: 'The server is busy; try again later' },
  disk_full: { status: 503, zh: '服务器磁盘已满，请联系管理员', en: 'The server disk is full; contact the administrator' },
  import_busy: { status: 503, zh: '正在处理的导入较多，请稍后再试', en: 'Too many imports are running; try again later' },
  sheet_timeout: { status: 503, zh: '表格处理超时，请稍后重试', en: 'Reading the sheet took too long; try again later' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

/** The codes answered with the given status. */
export type ErrorCodeOfStatus<S extends number> = { [K in ErrorCode]: (typeof errorCatalog)[K]['status'] extends S ? K : never }[ErrorCode];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorCatalog, value);
}
