import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, grantPoints, makeAreas, makeHousehold } from '../support/factories';

describe('the public leaderboard', () => {
  it('pages through a board with ties ranked the same across the page boundary, and says how many there are', async () => {
    const t = makeTestApp();
    const a = makeAreas(t.db);
    const names = ['赵一', '钱二', '孙三', '李四', '周五'];
    const scores = [50, 40, 40, 40, 10];
    names.forEach((name, i) => grantPoints(t.db, makeHousehold(t.db, a.villageA.id, { headName: name, idNumber: null }).id, a.villageA.id, scores[i]));
    const page = async (offset: number) => (await call(t, 'GET', `/api/public/areas/${a.villageA.id}/leaderboard?period=2026&limit=2&offset=${offset}`)).body;
    const first = await page(0);
    expect(first.total).toBe(5);
    expect(first.items.map((i: { rank: number }) => i.rank)).toEqual([1, 2]);
    expect((await page(2)).items.map((i: { rank: number }) => i.rank)).toEqual([2, 2]);
    expect((await page(4)).items).toEqual([expect.objectContaining({ rank: 5, points: 10, name: '周*' })]);
  });
});
