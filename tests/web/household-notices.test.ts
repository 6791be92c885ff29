import { describe, expect, it } from 'vitest';
import { canObject, filterNotices, latestObjectionByAward, type ObjectionOutcome } from '../../web/src/modules/households/my-notices';

const notices = [{ awardId: 1 }, { awardId: 2 }, { awardId: 3 }];

describe('the household page 公示 tab', () => {
  it('shows every notice, or only the household’s own when "只看我家" is on', () => {
    expect(filterNotices(notices, new Set([2]), false)).toEqual(notices);
    expect(filterNotices(notices, new Set([2]), true)).toEqual([{ awardId: 2 }]);
    expect(filterNotices(notices, new Set(), true)).toEqual([]);
  });

  it('takes the newest objection to an award as its state, whatever order they arrive in', () => {
    const o = (awardId: number, status: ObjectionOutcome['status'], createdAt: number): ObjectionOutcome => ({ awardId, status, resolution: null, createdAt });
    const latest = latestObjectionByAward([o(1, 'open', 30), o(1, 'dismissed', 10), o(2, 'upheld', 5)]);
    expect(latest.get(1)?.status).toBe('open');
    expect(latest.get(2)?.status).toBe('upheld');
    expect(latest.has(3)).toBe(false);
  });

  it('offers a new objection unless one is still open', () => {
    expect(canObject(undefined)).toBe(true);
    expect(canObject({ awardId: 1, status: 'open', resolution: null, createdAt: 1 })).toBe(false);
    expect(canObject({ awardId: 1, status: 'dismissed', resolution: '属实', createdAt: 1 })).toBe(true);
  });
});
