import { openDb } from '../db/client';
import { insertArea } from '../db/areas';
import { appendLedgerEntry } from '../db/ledger';
import { households } from '../db/schema';
import { makeRule, writeNow } from '../tests/support/factories';
import { nameInitials } from '../server/lib/identity';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '明华国建军平志伟芳秀英兰玉强';

/**
 * A small county for debugging the harness while the project's seed generator is not there yet:
 * areas, households and monthly awards, all posted through appendLedgerEntry.
 */
export function generateSmallCounty(file: string, opts: { households: number; months: number }): void {
  const db = openDb({ file });
  const t0 = Date.UTC(2024, 0, 1);
  const county = insertArea(db, { name: '基准县', kind: 'county', parentId: null, noticeDays: 0, createdAt: t0 });
  const villages: { id: number }[] = [];
  for (let t = 0; t < 4; t++) {
    const town = insertArea(db, { name: `第${t + 1}乡`, kind: 'township', parentId: county.id, createdAt: t0 });
    for (let v = 0; v < 5; v++) villages.push(insertArea(db, { name: `${t + 1}乡${v + 1}村`, kind: 'village', parentId: town.id, createdAt: t0 }));
  }
  const rule = makeRule(db, county.id);
  const ids: { id: number; villageId: number }[] = [];
  writeNow(db, () => {
    for (let i = 0; i < opts.households; i++) {
      const headName = SURNAMES[i % SURNAMES.length] + GIVEN[(i >> 2) % GIVEN.length] + GIVEN[(i >> 5) % GIVEN.length];
      const villageId = villages[i % villages.length].id;
      const row = db
        .insert(households)
        .values({ villageId, headName, nameInitials: nameInitials(headName), doorNo: `${(i % 400) + 1}号`, createdAt: t0, updatedAt: t0 })
        .returning({ id: households.id })
        .get();
      ids.push({ id: row.id, villageId });
    }
  });
  for (let m = 0; m < opts.months; m++) {
    const day = new Date(Date.UTC(2024, m, 10)).toISOString().slice(0, 10);
    writeNow(db, () => {
      for (const h of ids) {
        const points = ((h.id * 7 + m * 13) % 9) - 2;
        if (points === 0) continue;
        appendLedgerEntry(db, {
          householdId: h.id,
          villageId: h.villageId,
          kind: points > 0 ? 'award' : 'deduction',
          points,
          conductPoints: points,
          occurredOn: day,
          ruleId: rule.id,
          category: rule.category,
          createdAt: Date.UTC(2024, m, 10),
        });
      }
    });
  }
  db.$client.close();
}
