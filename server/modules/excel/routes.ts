import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc, xlsx, type RouteDoc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles } from '../../lib/roles';
import { exportAwards } from './exportAwards';
import { exportBoard } from './exportBoard';
import { exportDonations } from './exportDonations';
import { exportHouseholds } from './exportHouseholds';
import { exportLeaderboard } from './exportLeaderboard';
import { exportLedger } from './exportLedger';
import { exportMovements } from './exportMovements';
import { exportRedemptions } from './exportRedemptions';
import { importAwards } from './importAwards';
import { importHouseholds } from './importHouseholds';
import { makeRosterTemplate } from './makeRosterTemplate';
import { makeScoreTemplate } from './makeScoreTemplate';
import { previewAwardImport } from './previewAwardImport';
import { previewHouseholdImport } from './previewHouseholdImport';
import { AwardImportBody, ExportAreaQuery, ExportAwardsQuery, ExportBoardKindQuery, ExportBoardQuery, ExportPeriodQuery, HouseholdImportBody, TemplateQuery } from './schemas';
import { AwardImportAnswer, AwardImportPreviewAnswer, HouseholdImportAnswer, HouseholdImportPreviewAnswer } from './responses';
import { sendXlsx } from './sendXlsx';

const registrars = managerRoles;
const readers = [...registrars, 'reviewer'] as const;
const storeReaders = [...registrars, 'clerk'] as const;
const tags = ['excel'];
/** Reading an uploaded sheet: unreadable, empty, too large once unpacked, or the readers all busy. */
const sheetRefusals: NonNullable<RouteDoc['errors']> = ['bad_file', 'empty_file', 'file_too_large', 'import_busy', 'missing_header', 'not_found', 'sheet_timeout', 'sheet_too_large'];
const exportRefusals: NonNullable<RouteDoc['errors']> = ['export_too_large', 'not_found'];

export const excelRoutes = new Hono<AppEnv>()
  .get('/imports/households/template.xlsx', describeRoute(doc({ tags, zh: '村花名册空白模板', en: 'Blank roster template for a village', ok: { status: 200, binary: xlsx('The roster template') }, errors: ['not_found'] })), allow(...registrars), valid('query', TemplateQuery), async (c) =>
    sendXlsx(c, await makeRosterTemplate(ctxOf(c), c.req.valid('query').villageId)),
  )
  .post('/imports/households/preview', describeRoute(doc({ tags, zh: '逐行检查花名册文件（不写入）', en: 'Check a roster file row by row; writes nothing', ok: { status: 200, schema: HouseholdImportPreviewAnswer }, errors: sheetRefusals })), allow(...registrars), valid('json', HouseholdImportBody), async (c) =>
    c.json(answer(HouseholdImportPreviewAnswer, await previewHouseholdImport(ctxOf(c), c.req.valid('json'))), 200),
  )
  .post('/imports/households', describeRoute(doc({ tags, zh: '在一个事务中导入已检查的花名册', en: 'Import a checked roster in one transaction', ok: { status: 201, schema: HouseholdImportAnswer }, errors: [...sheetRefusals, 'import_has_errors'] })), allow(...registrars), valid('json', HouseholdImportBody), async (c) =>
    c.json(answer(HouseholdImportAnswer, await importHouseholds(ctxOf(c), c.req.valid('json'))), 201),
  )
  .get('/imports/awards/template.xlsx', describeRoute(doc({ tags, zh: '列出本村农户的评分表模板', en: 'Score sheet listing the village households', ok: { status: 200, binary: xlsx('The score sheet') }, errors: ['not_found'] })), allow(...registrars), valid('query', TemplateQuery), async (c) =>
    sendXlsx(c, await makeScoreTemplate(ctxOf(c), c.req.valid('query').villageId, c.req.valid('query').ruleId)),
  )
  .post('/imports/awards/preview', describeRoute(doc({ tags, zh: '逐行检查评分表（不写入）', en: 'Check a score sheet row by row; writes nothing', ok: { status: 200, schema: AwardImportPreviewAnswer }, errors: [...sheetRefusals, 'evidence_required', 'future_date', 'household_archived', 'monthly_cap_exceeded', 'unknown_evidence', 'unknown_heading'] })), allow(...registrars), valid('json', AwardImportBody), async (c) =>
    c.json(answer(AwardImportPreviewAnswer, await previewAwardImport(ctxOf(c), c.req.valid('json'))), 200),
  )
  .post('/imports/awards', describeRoute(doc({ tags, zh: '按已检查的评分表批量申报（全部成功或全部不提交）', en: 'Propose the awards of a checked score sheet, all or nothing', ok: { status: 201, schema: AwardImportAnswer }, errors: [...sheetRefusals, 'evidence_required', 'future_date', 'household_archived', 'monthly_cap_exceeded', 'unknown_evidence', 'unknown_heading', 'import_has_errors', 'nothing_to_import'] })), allow(...registrars), valid('json', AwardImportBody), async (c) =>
    c.json(answer(AwardImportAnswer, await importAwards(ctxOf(c), c.req.valid('json'))), 201),
  )
  .get('/exports/households.xlsx', describeRoute(doc({ tags, zh: '导出农户花名册', en: 'Household roster', ok: { status: 200, binary: xlsx('The roster') }, errors: exportRefusals })), allow(...registrars), valid('query', ExportAreaQuery), async (c) =>
    sendXlsx(c, await exportHouseholds(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/ledger.xlsx', describeRoute(doc({ tags, zh: '导出某期的积分流水', en: 'Ledger entries of a period', ok: { status: 200, binary: xlsx('The ledger entries') }, errors: [...exportRefusals, 'unknown_heading'] })), allow(...readers), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportLedger(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/awards.xlsx', describeRoute(doc({ tags, zh: '导出积分申报（可按状态和期间）', en: 'Awards, optionally by status and period', ok: { status: 200, binary: xlsx('The awards') }, errors: exportRefusals })), allow(...readers), valid('query', ExportAwardsQuery), async (c) =>
    sendXlsx(c, await exportAwards(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/redemptions.xlsx', describeRoute(doc({ tags, zh: '导出某期的兑换记录', en: 'Redemptions of a period', ok: { status: 200, binary: xlsx('The redemptions') }, errors: exportRefusals })), allow(...storeReaders), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportRedemptions(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/movements.xlsx', describeRoute(doc({ tags, zh: '导出某期的库存变动', en: 'Stock movements of a period', ok: { status: 200, binary: xlsx('The stock movements') }, errors: exportRefusals })), allow(...storeReaders), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportMovements(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/donations.xlsx', describeRoute(doc({ tags, zh: '导出某期收到的捐赠', en: 'Donations received in a period', ok: { status: 200, binary: xlsx('The donations') }, errors: exportRefusals })), allow(...storeReaders), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportDonations(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/leaderboard.xlsx', describeRoute(doc({ tags, zh: '导出区域某期的文明积分排行榜', en: 'Conduct-score leaderboard of an area and period', ok: { status: 200, binary: xlsx('The leaderboard') }, errors: [...exportRefusals, 'invalid_area'] })), allow(...readers), valid('query', ExportBoardQuery), async (c) =>
    sendXlsx(c, await exportLeaderboard(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/board.xlsx', describeRoute(doc({ tags, zh: '导出即时计算的任一榜单（红榜、黑榜、星级、排行、村庄对比）', en: 'Any board (red, black, stars, leaderboard, villages) as computed now', ok: { status: 200, binary: xlsx('The board') }, errors: [...exportRefusals, 'wrong_area_kind'] })), allow(...readers), valid('query', ExportBoardKindQuery), async (c) =>
    sendXlsx(c, await exportBoard(ctxOf(c), c.req.valid('query'))),
  );
