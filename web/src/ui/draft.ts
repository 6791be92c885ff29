import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import { onBeforeRouteLeave } from 'vue-router';

/**
 * Drafts of typed work (the batch grid, the award form) in localStorage, so Back, a reload or an expired
 * session never loses what a cadre typed. Keyed by user and area: a shared office computer never shows one
 * cadre's entries to another, and a cadre of two villages keeps one draft per village.
 */
const PREFIX = 'jifen.draft.';
/** A draft older than this is stale (last month's inspection); it is dropped rather than offered. */
export const DRAFT_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

interface Stored<T> {
  savedAt: number;
  value: T;
}

export function draftKey(kind: string, userId: number, areaId: number | string): string {
  return `${PREFIX}${kind}.u${userId}.a${areaId}`;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function saveDraft<T>(key: string, value: T, now = Date.now()): void {
  try {
    storage()?.setItem(key, JSON.stringify({ savedAt: now, value } satisfies Stored<T>));
  } catch {
    // Storage full or disabled (private mode): the page still works, only without a draft.
  }
}

/** The draft under `key`, or null when there is none, it is unreadable or stale. `accept` checks its shape. */
export function loadDraft<T>(key: string, accept: (v: unknown) => v is T, now = Date.now()): { value: T; savedAt: number } | null {
  const raw = storage()?.getItem(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<Stored<unknown>>;
    if (typeof parsed.savedAt !== 'number' || now - parsed.savedAt > DRAFT_MAX_AGE_MS || !accept(parsed.value)) {
      clearDraft(key);
      return null;
    }
    return { value: parsed.value, savedAt: parsed.savedAt };
  } catch {
    clearDraft(key);
    return null;
  }
}

export function clearDraft(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing to clear.
  }
}

/** The most recently saved draft of `kind` for this user, in any area (to reopen the village the cadre was in). */
export function latestDraftArea(kind: string, userId: number): string | null {
  const s = storage();
  if (!s) return null;
  const head = `${PREFIX}${kind}.u${userId}.a`;
  let best: { area: string; at: number } | null = null;
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (!key?.startsWith(head)) continue;
    try {
      const at = (JSON.parse(s.getItem(key) ?? '') as Partial<Stored<unknown>>).savedAt;
      if (typeof at === 'number' && (!best || at > best.at)) best = { area: key.slice(head.length), at };
    } catch {
      // An unreadable entry is skipped; loadDraft drops it.
    }
  }
  return best?.area ?? null;
}

/**
 * Asks before leaving a page with unsaved entries: in-app navigation (Back included) through the router,
 * closing or reloading the tab through beforeunload. A session that ended (the way to /login) is let
 * through without asking: the draft is kept and the cadre comes back to it after logging in.
 */
export function useLeaveGuard(dirty: Ref<boolean> | (() => boolean), confirmLeave: () => Promise<boolean>): void {
  const isDirty = () => (typeof dirty === 'function' ? dirty() : dirty.value);
  const onUnload = (e: BeforeUnloadEvent) => {
    if (!isDirty()) return;
    e.preventDefault();
    // Older browsers need returnValue set to show the prompt.
    e.returnValue = '';
  };
  onMounted(() => window.addEventListener('beforeunload', onUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onUnload));
  onBeforeRouteLeave(async (to) => {
    if (!isDirty() || to.path === '/login') return true;
    return confirmLeave();
  });
}
