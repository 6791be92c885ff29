import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc, xlsx } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { managerRoles } from '../../lib/roles';
import { createHeading } from './createHeading';
import { listHeadings } from './listHeadings';
import { CatalogueImportAnswer, CataloguePreviewAnswer, HeadingAnswer, HeadingListAnswer, PublicHeadingListAnswer } from './headingResponses';
import { listPublicHeadings } from './listPublicHeadings';
import { CatalogueExportQuery, CatalogueImportBody, CreateHeadingBody, UpdateHeadingBody } from './schemas';
import { exportCatalogue } from './exportCatalogue';
import { importCatalogue } from './importCatalogue';
import { previewCatalogueImport } from './previewCatalogueImport';
import { sendXlsx } from '../excel/sendXlsx';
import { updateHeading } from './updateHeading';

export const headingRoutes = new Hono<AppEnv>()
  .get(
    '/areas/:id/headings',
    describeRoute(doc({ tags: ['rules'], zh: '某区域积分细则的类别（模板、上级及本级）', en: 'Catalogue headings in force in an area (template, inherited, own)', access: 'session', ok: { status: 200, schema: HeadingListAnswer }, errors: ['not_found'] })),
    allow(...allRoles),
    valid('param', IdParam),
    async (c) => c.json(answer(HeadingListAnswer, await listHeadings(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .get(
    '/public/areas/:id/headings',
    describeRoute(doc({ tags: ['public'], zh: '区域榜单可按其筛选的类别（本级及所辖村自有类别，无需登录）', en: 'Headings a public board of an area can be filtered by, with those of villages beneath (no login)', access: 'public', ok: { status: 200, schema: PublicHeadingListAnswer }, errors: ['not_found'] })),
    valid('param', IdParam),
    async (c) => c.json(answer(PublicHeadingListAnswer, await listPublicHeadings(publicCtxOf(c), c.req.valid('param').id)), 200),
  )
  .post(
    '/areas/:id/headings',
    describeRoute(doc({ tags: ['rules'], zh: '新增本区域的类别', en: "Add a heading to the area's own catalogue", ok: { status: 201, schema: HeadingAnswer }, errors: ['invalid_area', 'not_found', 'duplicate_heading'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', CreateHeadingBody),
    async (c) => c.json(answer(HeadingAnswer, await createHeading(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  )
  .patch(
    '/headings/:id',
    describeRoute(doc({ tags: ['rules'], zh: '修改本区域的类别（名称、顺序、星级维度、扣分类别）', en: 'Edit a heading of an area you manage', ok: { status: 200, schema: HeadingAnswer }, errors: ['not_found', 'duplicate_heading'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', UpdateHeadingBody),
    async (c) => c.json(answer(HeadingAnswer, await updateHeading(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .post(
    '/imports/catalogue/preview',
    describeRoute(doc({ tags: ['rules'], zh: '预览积分细则导入（逐行检查，不写入）', en: 'Check a catalogue file row by row; writes nothing', ok: { status: 200, schema: CataloguePreviewAnswer }, errors: ['invalid_area', 'not_found', 'bad_file', 'empty_file', 'missing_header'] })),
    allow(...managerRoles),
    valid('json', CatalogueImportBody),
    async (c) => c.json(answer(CataloguePreviewAnswer, await previewCatalogueImport(ctxOf(c), c.req.valid('json'))), 200),
  )
  .post(
    '/imports/catalogue',
    describeRoute(doc({ tags: ['rules'], zh: '导入积分细则（全部成功或全部不导入；修改的项目生成新版本）', en: 'Import a checked catalogue, all or nothing; an edited item becomes a new version', ok: { status: 200, schema: CatalogueImportAnswer }, errors: ['invalid_area', 'not_found', 'bad_file', 'empty_file', 'missing_header', 'import_has_errors'] })),
    allow(...managerRoles),
    valid('json', CatalogueImportBody),
    async (c) => c.json(answer(CatalogueImportAnswer, await importCatalogue(ctxOf(c), c.req.valid('json'))), 200),
  )
  .get(
    '/exports/catalogue.xlsx',
    describeRoute(doc({ tags: ['rules'], zh: '导出积分细则（与导入同样的列）', en: 'The catalogue in force in an area, in the import shape', ok: { status: 200, binary: xlsx('积分细则.xlsx') }, errors: ['invalid_area', 'not_found'] })),
    allow(...managerRoles, 'reviewer'),
    valid('query', CatalogueExportQuery),
    async (c) => sendXlsx(c, await exportCatalogue(ctxOf(c), c.req.valid('query').areaId)),
  );
