import { onBeforeUnmount, ref } from 'vue';

/** True on phone-width screens, where the console swaps wide tables for cards or fewer columns. */
export function useNarrow(query = '(max-width: 760px)') {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null;
  const narrow = ref(mq?.matches ?? false);
  const update = (e: MediaQueryListEvent) => (narrow.value = e.matches);
  mq?.addEventListener('change', update);
  onBeforeUnmount(() => mq?.removeEventListener('change', update));
  return narrow;
}
