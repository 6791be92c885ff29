import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { awards, households } from '../../db/schema';
import { selectInChunks } from '../../db/inChunks';
import { transaction } from '../../db/transaction';
import { makeTestApp } from '../support/app';
import { call, login, makeRule, makeWorld } from '../support/factories';
import { HEADER, xlsxFile } from './sheets';

async function world() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  return { t, w, cadre };
}

describe('imports racing each other', () => {
  it('ten parallel imports of one roster without ID numbers register each household once', async () => {
    const { t, w, cadre } = await world();
    const villageId = w.areas.villageA.id;
    const before = t.db.select().from(households).where(eq(households.villageId, villageId)).all().length;
    // Door numbers only: nothing in the schema stops a second copy, only the re-check inside the transaction.
    const rows = Array.from({ length: 30 }, (_, i) => ['赵' + '伟芳娜秀英敏静丽强磊军洋勇艳杰'[i % 15] + '兰', `河西${i + 1}号`, '', '', '', '', '']);
    const file = await xlsxFile([HEADER, ...rows]);
    // Ten: the parse workers take two at a time and queue eight; an eleventh would be told to come back later.
    const results = await Promise.all(Array.from({ length: 10 }, () => call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId, file } })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const after = t.db.select().from(households).where(eq(households.villageId, villageId)).all();
    expect(after.length - before).toBe(30);
    expect(new Set(after.map((h) => h.doorNo)).size).toBe(after.length);
    // Exactly one import created them; every other one found them all already there.
    expect(results.map((r) => r.body.create).sort((a: number, b: number) => b - a)).toEqual([30, ...Array(9).fill(0)]);
    expect(results.filter((r) => r.body.unchanged === 30)).toHaveLength(9);
  });

  it('an import checked before another one wrote the same households re-checks inside its transaction', async () => {
    const { t, w, cadre } = await world();
    const villageId = w.areas.villageA.id;
    const before = t.db.select().from(households).where(eq(households.villageId, villageId)).all().length;
    const file = await xlsxFile([HEADER, ['钱桂兰', '河东1号', '', '', '', '', ''], ['孙明', '河东2号', '', '', '', '', '']]);
    // Hold the write connection so both imports parse and check first, then queue for it.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const holder = transaction(t.db, () => gate);
    const both = Promise.all([0, 1].map(() => call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId, file } })));
    await new Promise((r) => setTimeout(r, 3000));
    open();
    await holder;
    const results = await both;
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    expect(t.db.select().from(households).where(eq(households.villageId, villageId)).all().length - before).toBe(2);
    expect(results.map((r) => [r.body.create, r.body.unchanged]).sort()).toEqual([
      [0, 2],
      [2, 0],
    ]);
  });

  it('two parallel score sheets that each fit a monthly cap but not together: one is proposed, the other refused whole', async () => {
    const { t, w, cadre } = await world();
    const capped = makeRule(t.db, w.areas.county.id, { name: '门前三包', points: 2, monthlyCap: 2 });
    const sheet = await xlsxFile([['户编号', '细则', '数量'], [w.household.id, '门前三包', 2]], '评分表.xlsx', '评分表');
    const body = { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file: sheet };
    const [a, b] = await Promise.all([call(t, 'POST', '/api/imports/awards', { cookie: cadre, body }), call(t, 'POST', '/api/imports/awards', { cookie: cadre, body })]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    const refused = a.status === 422 ? a : b;
    expect(refused.body.error.code).toBe('import_has_errors');
    expect(refused.body.error.details.rows).toEqual([{ row: 2, errors: [{ field: '数量', message: '「门前三包」每户每月最多 2次，本月已申报 2' }] }]);
    const stored = t.db.select().from(awards).where(eq(awards.ruleId, capped.id)).all();
    expect(stored.map((r) => r.quantity)).toEqual([2]);
  });
});

describe('selectInChunks', () => {
  it('runs an async store part after part, never side by side, and answers a Promise even for no ids', async () => {
    let running = 0;
    let most = 0;
    const parts: number[] = [];
    const rows = await selectInChunks(
      Array.from({ length: 1201 }, (_, i) => i),
      async (part) => {
        most = Math.max(most, ++running);
        parts.push(part.length);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return part.map((v) => v * 2);
      },
    );
    expect(parts).toEqual([500, 500, 201]);
    expect(most).toBe(1);
    expect(rows).toHaveLength(1201);
    expect(rows[1200]).toBe(2400);
    const none = selectInChunks([], async (part: number[]) => part);
    expect(none).toBeInstanceOf(Promise);
    expect(await none).toEqual([]);
    // A synchronous store still gets its rows at once.
    expect(selectInChunks([1, 2, 3], (part) => part, 2)).toEqual([1, 2, 3]);
  });
});
