import { ref, watch } from 'vue';

const STORAGE_KEY = 'jifen.elderly';

function read(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

/** Elderly mode is a per-device choice: it survives reloads and logouts on that phone. */
export const elderly = ref(read());

function apply(on: boolean) {
  document.documentElement.classList.toggle('elderly', on);
}

export function initElderly(): void {
  apply(elderly.value);
  watch(elderly, (on) => {
    apply(on);
    try {
      localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
    } catch {
      // Ignore storage failures; the mode still applies for this visit.
    }
  });
}
