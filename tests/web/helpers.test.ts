import { describe, expect, it } from 'vitest';
import { usePaged } from '../../web/src/ui/use-paged';
import { extractCode } from '../../web/src/modules/counter/use-counter';
import { periodChoices } from '../../web/src/modules/public/use-public';
import { isValidIdNumber, MOBILE } from '../../web/src/modules/households/use-households';
import { formatDay, signed, todayInChina } from '../../web/src/ui/format';

describe('paged lists', () => {
  it('keeps the newest answer when an older, slower one arrives later', async () => {
    const resolvers: ((v: { items: string[]; total: number }) => void)[] = [];
    const list = usePaged<string>(() => new Promise((ok) => resolvers.push(ok)), 10);
    const first = list.search();
    const second = list.goTo(2);
    resolvers[1]({ items: ['page 2'], total: 12 });
    await second;
    resolvers[0]({ items: ['page 1 (stale)'], total: 12 });
    await first;
    expect(list.items.value).toEqual(['page 2']);
    expect(list.page.value).toBe(2);
    expect(list.loading.value).toBe(false);
  });

  it('asks for the right window and keeps the error for the screen', async () => {
    const calls: [number, number][] = [];
    const list = usePaged<number>(async (limit, offset) => {
      calls.push([limit, offset]);
      if (offset > 0) throw new Error('boom');
      return { items: [1, 2], total: 30 };
    }, 20);
    await list.search();
    expect(list.total.value).toBe(30);
    await list.goTo(2);
    expect(calls).toEqual([
      [20, 0],
      [20, 20],
    ]);
    expect(list.error.value).toBeInstanceOf(Error);
    expect(list.items.value).toEqual([1, 2]);
  });
});

describe('counter code extraction', () => {
  it('takes a bare token as is and pulls the token out of a URL', () => {
    expect(extractCode('  J1.a.b.c.d ')).toBe('J1.a.b.c.d');
    expect(extractCode('https://jifen.example/pass?code=J1.x.y.z.w')).toBe('J1.x.y.z.w');
    expect(extractCode('https://jifen.example/c/C1.abc')).toBe('C1.abc');
  });
});

describe('small helpers', () => {
  it('offers this year, last year and the last twelve months on the board', () => {
    const p = periodChoices(new Date('2026-02-10T04:00:00Z'));
    expect(p.slice(0, 5)).toEqual(['2026', '2025', '2026-02', '2026-01', '2025-12']);
    expect(p).toHaveLength(14);
  });

  it('checks mobile numbers and ID check digits like the server', () => {
    expect(MOBILE.test('13812345678')).toBe(true);
    expect(MOBILE.test('12812345678')).toBe(false);
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });

  it('formats days in China time and signs points', () => {
    expect(formatDay('2026-11-01')).toBe('2026-11-01');
    expect(formatDay(Date.UTC(2026, 10, 1, 17, 0))).toBe('2026-11-02');
    expect(formatDay(null)).toBe('—');
    expect(todayInChina(new Date(Date.UTC(2026, 11, 31, 16, 30)))).toBe('2027-01-01');
    expect(signed(5)).toBe('+5');
    expect(signed(-3)).toBe('-3');
    expect(signed(0)).toBe('0');
  });
});
