import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en';
const STORAGE_KEY = 'jifen.locale';

function storedLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

// Only Chinese ships in the first download; English is fetched when someone switches to it,
// which keeps the household page small on a slow village connection.
export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  // `en` starts as a stand-in (the same object, no extra bytes) and is replaced when English is loaded.
  messages: { 'zh-CN': zhCN, en: zhCN },
  missingWarn: false,
  fallbackWarn: false,
});

let englishLoaded = false;

async function ensureMessages(locale: Locale): Promise<void> {
  if (locale === 'en' && !englishLoaded) {
    const { default: en } = await import('./en');
    i18n.global.setLocaleMessage('en', en);
    englishLoaded = true;
  }
}

export async function setLocale(locale: Locale): Promise<void> {
  await ensureMessages(locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode: the choice just won't survive a reload.
  }
}

/** Applies the stored choice before the first render; falls back to Chinese if English cannot load. */
export async function initLocale(): Promise<void> {
  const wanted = storedLocale();
  if (wanted === 'zh-CN') return;
  try {
    await setLocale(wanted);
  } catch {
    // Offline on first visit in English: carry on in Chinese.
  }
}

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}
