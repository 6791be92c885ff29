/**
 * Writes the demo spreadsheets shipped in seeds/ (run: `npx tsx seeds/make-roster.ts`):
 * - roster-demo.xlsx: a clean roster of 40 households for a new village, in the import template's format.
 *   Door numbers (清水路 N 号) and ID numbers (region 430722) do not clash with the demo county, so the file
 *   imports into a new village or into any demo village (groups 一组 and 二组 exist in every one).
 * - hygiene-sheet-demo.xlsx: a month's hygiene inspection (庭院整洁 优/良) for the demo's first village
 *   (石门村), generated against the demo households read from a freshly seeded in-memory demo database.
 * Both are deterministic.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../db/client';
import { activeHouseholdIdsOfVillage, firstVillage } from '../db/seed';
import { householdCategoryLabels as categoryLabels } from '../server/lib/labels';
import { relationLabels } from '../server/modules/excel/labels';
import { writeRosterWorkbook, type RosterHousehold } from '../server/modules/excel/makeRosterTemplate';
import { writeScoreWorkbook } from '../server/modules/excel/makeScoreTemplate';
import { applicableRules } from '../server/modules/excel/checkAwardRows';
import { seedDemoCounty } from './demo';
import { PeopleFactory } from './people';
import { Random } from './random';

const here = dirname(fileURLToPath(import.meta.url));

export function demoRoster(count = 40): RosterHousehold[] {
  const rng = new Random(20260701);
  const people = new PeopleFactory(rng, '430722');
  const clans = ['陈', '黄'];
  const rows: RosterHousehold[] = [];
  for (let i = 0; i < count; i++) {
    const family = people.household(clans, 2026);
    const head = family[0];
    const roll = rng.next();
    const category = roll < 0.72 ? 'general' : roll < 0.86 ? 'poverty_exited' : roll < 0.92 ? 'monitored' : roll < 0.97 ? 'dibao' : 'wubao';
    rows.push({
      headName: head.name,
      doorNo: `清水路${i + 1}号`,
      group: i < count / 2 ? '一组' : '二组',
      category: categoryLabels[category],
      phone: head.phone,
      idNumber: head.idNumber,
      members: family.slice(1).map((p) => `${p.name}(${relationLabels[p.relation]})`).join(';') || null,
    });
  }
  return rows;
}

async function hygieneSheet(): Promise<Buffer> {
  const db = openDb({ file: ':memory:' });
  await seedDemoCounty(db, { scryptN: 1024, now: new Date('2026-06-15T02:00:00Z') });
  const village = (await firstVillage(db))!;
  const rules = await applicableRules(db, village);
  const top = rules.find((r) => r.name === '庭院整洁（月评·优）')!;
  const good = rules.find((r) => r.name === '庭院整洁（月评·良）')!;
  const list = await activeHouseholdIdsOfVillage(db, village.id);
  const rng = new Random(20260725);
  const fill = list.flatMap((householdId) => {
    const r = rng.next();
    if (r < 0.35) return [{ householdId, rule: top.name, quantity: 1 }];
    if (r < 0.8) return [{ householdId, rule: good.name, quantity: 1 }];
    return [];
  });
  return await writeScoreWorkbook(db, village, { fill, withoutIds: true });
}

const roster = await writeRosterWorkbook(demoRoster(), ['一组', '二组']);
writeFileSync(join(here, 'roster-demo.xlsx'), roster);
writeFileSync(join(here, 'hygiene-sheet-demo.xlsx'), await hygieneSheet());
console.log('wrote seeds/roster-demo.xlsx and seeds/hygiene-sheet-demo.xlsx');
