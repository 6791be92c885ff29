import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
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
import { sendXlsx } from './sendXlsx';

const registrars = managerRoles;
const readers = [...registrars, 'reviewer'] as const;
const storeReaders = [...registrars, 'clerk'] as const;
const tags = ['excel'];

export const excelRoutes = new Hono<AppEnv>()
  .get('/imports/households/template.xlsx', describeRoute({ tags, summary: 'Blank roster template for a village' }), allow(...registrars), valid('query', TemplateQuery), async (c) =>
    sendXlsx(c, await makeRosterTemplate(ctxOf(c), c.req.valid('query').villageId)),
  )
  .post('/imports/households/preview', describeRoute({ tags, summary: 'Check a roster file row by row; writes nothing' }), allow(...registrars), valid('json', HouseholdImportBody), async (c) =>
    c.json(await previewHouseholdImport(ctxOf(c), c.req.valid('json')), 200),
  )
  .post('/imports/households', describeRoute({ tags, summary: 'Import a checked roster in one transaction' }), allow(...registrars), valid('json', HouseholdImportBody), async (c) =>
    c.json(await importHouseholds(ctxOf(c), c.req.valid('json')), 201),
  )
  .get('/imports/awards/template.xlsx', describeRoute({ tags, summary: 'Score sheet listing the village households' }), allow(...registrars), valid('query', TemplateQuery), async (c) =>
    sendXlsx(c, await makeScoreTemplate(ctxOf(c), c.req.valid('query').villageId, c.req.valid('query').ruleId)),
  )
  .post('/imports/awards/preview', describeRoute({ tags, summary: 'Check a score sheet row by row; writes nothing' }), allow(...registrars), valid('json', AwardImportBody), async (c) =>
    c.json(await previewAwardImport(ctxOf(c), c.req.valid('json')), 200),
  )
  .post('/imports/awards', describeRoute({ tags, summary: 'Propose the awards of a checked score sheet, all or nothing' }), allow(...registrars), valid('json', AwardImportBody), async (c) =>
    c.json(await importAwards(ctxOf(c), c.req.valid('json')), 201),
  )
  .get('/exports/households.xlsx', describeRoute({ tags, summary: 'Household roster' }), allow(...registrars), valid('query', ExportAreaQuery), async (c) =>
    sendXlsx(c, await exportHouseholds(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/ledger.xlsx', describeRoute({ tags, summary: 'Ledger entries of a period' }), allow(...readers), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportLedger(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/awards.xlsx', describeRoute({ tags, summary: 'Awards, optionally by status and period' }), allow(...readers), valid('query', ExportAwardsQuery), async (c) =>
    sendXlsx(c, await exportAwards(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/redemptions.xlsx', describeRoute({ tags, summary: 'Redemptions of a period' }), allow(...storeReaders), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportRedemptions(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/movements.xlsx', describeRoute({ tags, summary: 'Stock movements of a period' }), allow(...storeReaders), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportMovements(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/donations.xlsx', describeRoute({ tags, summary: 'Donations received in a period' }), allow(...storeReaders), valid('query', ExportPeriodQuery), async (c) =>
    sendXlsx(c, await exportDonations(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/leaderboard.xlsx', describeRoute({ tags, summary: 'Conduct-score leaderboard of an area and period' }), allow(...readers), valid('query', ExportBoardQuery), async (c) =>
    sendXlsx(c, await exportLeaderboard(ctxOf(c), c.req.valid('query'))),
  )
  .get('/exports/board.xlsx', describeRoute({ tags, summary: 'Any board (red, black, stars, leaderboard, villages) as computed now' }), allow(...readers), valid('query', ExportBoardKindQuery), async (c) =>
    sendXlsx(c, await exportBoard(ctxOf(c), c.req.valid('query'))),
  );
