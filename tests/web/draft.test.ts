// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { clearDraft, DRAFT_MAX_AGE_MS, draftKey, latestDraftArea, loadDraft, saveDraft } from '../../web/src/ui/draft';

interface Sheet {
  entries: Record<string, string>;
}
const isSheet = (v: unknown): v is Sheet => typeof v === 'object' && v !== null && typeof (v as Sheet).entries === 'object';

describe('drafts of typed work', () => {
  beforeEach(() => localStorage.clear());

  it('keeps a draft across a reload (what localStorage holds is read back)', () => {
    const key = draftKey('batch', 7, 12);
    saveDraft<Sheet>(key, { entries: { '101': '1', '102': '２' } });
    expect(loadDraft(key, isSheet)?.value).toEqual({ entries: { '101': '1', '102': '２' } });
  });

  it('keeps one draft per user and per village: another cadre or village never sees it', () => {
    saveDraft<Sheet>(draftKey('batch', 7, 12), { entries: { '101': '1' } });
    expect(loadDraft(draftKey('batch', 8, 12), isSheet)).toBeNull();
    expect(loadDraft(draftKey('batch', 7, 13), isSheet)).toBeNull();
    expect(loadDraft(draftKey('award', 7, 12), isSheet)).toBeNull();
  });

  it('drops a stale draft and an unreadable one instead of offering them', () => {
    const key = draftKey('batch', 7, 12);
    saveDraft<Sheet>(key, { entries: { '1': '1' } }, 1_000);
    expect(loadDraft(key, isSheet, 1_000 + DRAFT_MAX_AGE_MS + 1)).toBeNull();
    expect(localStorage.getItem(key)).toBeNull();
    localStorage.setItem(key, '{not json');
    expect(loadDraft(key, isSheet)).toBeNull();
    localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), value: { entries: 'x' } }));
    expect(loadDraft(key, isSheet)).toBeNull();
  });

  it('finds the village of the user’s latest draft, so a new login reopens it', () => {
    saveDraft<Sheet>(draftKey('batch', 7, 12), { entries: {} }, 1_000);
    saveDraft<Sheet>(draftKey('batch', 7, 15), { entries: {} }, 2_000);
    saveDraft<Sheet>(draftKey('batch', 8, 99), { entries: {} }, 3_000);
    expect(latestDraftArea('batch', 7)).toBe('15');
    clearDraft(draftKey('batch', 7, 15));
    expect(latestDraftArea('batch', 7)).toBe('12');
    expect(latestDraftArea('batch', 9)).toBeNull();
  });
});
