/**
 * The shipped catalogue template (seeds/catalogue-demo.xlsx, written by seeds/make-catalogue.ts) and its
 * demo use: 龙潭村 keeps its own 积分细则 under its own headings, as published village catalogues do, and
 * imports it from the template through the same actions the console calls.
 */
import type { Db } from '../db/client';
import { userByUsername } from '../db/users/users';
import type { Actor, AppConfig, Ctx } from '../server/lib/context';
import { writeSheet } from '../server/modules/excel/writeWorkbook';
import { catalogueColumns } from '../server/modules/rules/checkCatalogueRows';
import { createHeading } from '../server/modules/rules/createHeading';
import { importCatalogue } from '../server/modules/rules/importCatalogue';
import { listHeadings } from '../server/modules/rules/listHeadings';
import { updateHeading } from '../server/modules/rules/updateHeading';

export const CATALOGUE_VILLAGE_CADRE = 'cadre3';

type Item = [heading: string, name: string, points: number, unit: string, cap: number | null, evidence: boolean, note: string | null];

/** 龙潭村积分细则: five headings of its own, the last one the deductions (减分项目). */
export const demoCatalogue: Item[] = [
  ['思想文化建设', '参加村民夜校或理论宣讲', 2, '次', 8, false, '以签到表为准'],
  ['思想文化建设', '子女考入全日制本科', 20, '人', null, true, '凭录取通知书'],
  ['文明乡村建设', '红白喜事简办（报村红白理事会备案）', 10, '次', null, true, null],
  ['文明乡村建设', '调解邻里纠纷成功', 5, '次', 10, false, '经村调委会确认'],
  ['文明乡村建设', '见义勇为、好人好事', 10, '次', null, true, '经村两委评议'],
  ['美丽家园建设', '庭院干净整洁、物品摆放有序', 3, '次', 6, false, '每月村里检查一次'],
  ['美丽家园建设', '参加村庄清洁行动', 2, '次', 8, false, null],
  ['美丽家园建设', '门前三包责任区保洁', 2, '次', 4, false, null],
  ['村民自强自立', '发展庭院经济或特色种养', 5, '项', null, false, '当年新发展'],
  ['村民自强自立', '参加职业技能培训并取得证书', 8, '次', null, true, '凭证书'],
  ['减分项目', '乱堆乱放、乱倒垃圾', -5, '次', null, false, '整改后可申请移出黑榜'],
  ['减分项目', '大操大办、高额彩礼', -10, '次', null, false, null],
  ['减分项目', '不赡养老人、虐待家庭成员', -20, '次', null, true, '经调解仍不改正'],
];

/** The template: one sheet 积分细则 with the import's columns, filled with 龙潭村's catalogue. */
export function writeCatalogueTemplate(at: number): Promise<Buffer> {
  return writeSheet<Item>(
    {
      name: '积分细则',
      title: '积分细则导入模板（类别 / 项目 / 分值 / 单位 / 上限 / 需佐证 / 备注；扣分项分值为负数）',
      columns: catalogueColumns.map((header, i) => ({ header, width: [14, 34, 8, 6, 8, 8, 24][i], value: (r: Item) => (i === 5 ? (r[5] ? '是' : '否') : (r[i] as string | number | null)) })),
      rows: demoCatalogue,
    },
    at,
  );
}

/**
 * 龙潭村's cadre makes the deduction heading (减分项目, for the black list) and a star dimension, then
 * imports the template with its new headings confirmed. Returns what the import made.
 */
export async function seedVillageCatalogue(db: Db, now: Date, config: AppConfig): Promise<{ created: number; newHeadings: string[] }> {
  const user = await userByUsername(db, CATALOGUE_VILLAGE_CADRE);
  if (!user) throw new Error(`${CATALOGUE_VILLAGE_CADRE} is missing`);
  const actor: Actor = { userId: user.id, username: user.username, role: 'village_cadre', areaId: user.areaId!, areaPath: user.areaPath, areaKind: 'village', householdId: null, sessionHash: '' };
  const ctx: Ctx = { db, actor, now, device: { ip: null, userAgent: 'seed' }, config };
  await createHeading(ctx, user.areaId!, { name: '减分项目', sortOrder: 1000, blackList: true, starDimension: null });
  const file = { filename: '积分细则-龙潭村.xlsx', contentBase64: (await writeCatalogueTemplate(now.getTime())).toString('base64') };
  const result = await importCatalogue(ctx, { areaId: user.areaId!, file, createHeadings: true });
  const headings = (await listHeadings(ctx, user.areaId!)).items;
  const beauty = headings.find((h) => h.name === '美丽家园建设');
  if (beauty) await updateHeading(ctx, beauty.id, { starDimension: '卫生清洁星' });
  // The import numbers its new headings after the existing ones; the deductions close the catalogue, as on paper.
  const deductions = headings.find((h) => h.name === '减分项目');
  if (deductions) await updateHeading(ctx, deductions.id, { sortOrder: Math.max(...headings.map((h) => h.sortOrder)) + 10 });
  return { created: result.created.length, newHeadings: result.newHeadings };
}
