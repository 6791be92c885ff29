import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { baseCompile } from '@intlify/message-compiler';
import { describe, expect, it } from 'vitest';
import { roles } from '../../db/schema/users';
import { householdCategories } from '../../db/schema/households';
import { ruleCategories } from '../../db/schema/rules';
import { ledgerKinds } from '../../db/schema/ledger';
import { awardStatuses } from '../../db/schema/awards';
import zhCN from '../../web/src/i18n/zh-CN';
import en from '../../web/src/i18n/en';

const webSrc = join(import.meta.dirname, '../../web/src');

type Messages = { [key: string]: string | Messages };

function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(messages)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(vue|ts)$/.test(name) && !p.includes(`${join('src', 'i18n')}`) ? [p] : [];
  });
}

/** Literal keys in t('a.b'), $t("a.b"), and dotted `key: 'a.b'` / `titleKey: 'a.b'` entries of nav and route tables. */
function usedKeys(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [/\$?\bt\(\s*'([A-Za-z0-9_.]+)'/g, /\$?\bt\(\s*"([A-Za-z0-9_.]+)"/g, /\b(?:key|titleKey|labelKey):\s*'([A-Za-z0-9_]+\.[A-Za-z0-9_.]+)'/g];
  for (const file of sourceFiles(webSrc)) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) found.set(m[1], relative(webSrc, file));
  }
  return found;
}

/** Template-literal keys such as t(`roles.${role}`): their prefix must hold every value the server can send. */
function dynamicPrefixes(): Set<string> {
  const prefixes = new Set<string>();
  for (const file of sourceFiles(webSrc)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*`([A-Za-z0-9_.]+)\.\$\{/g)) prefixes.add(m[1]);
  }
  return prefixes;
}

const zh = flatten(zhCN as Messages);
const enFlat = flatten(en as Messages);

describe('i18n', () => {
  it('finds keys in the sources at all (the scanner works)', () => {
    expect(usedKeys().size).toBeGreaterThan(100);
  });

  it('has every key used in web/src in both zh-CN and en', () => {
    const missing: string[] = [];
    for (const [key, file] of usedKeys()) {
      if (!zh.has(key)) missing.push(`zh-CN: ${key} (${file})`);
      if (!enFlat.has(key)) missing.push(`en: ${key} (${file})`);
    }
    expect(missing).toEqual([]);
  });

  it('has the same keys in both locales and no empty message', () => {
    expect([...enFlat.keys()].sort()).toEqual([...zh.keys()].sort());
    const empty = [...zh, ...enFlat].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('covers every enum value behind a dynamic key', () => {
    const enums: Record<string, readonly string[]> = {
      roles,
      categories: householdCategories,
      ruleCategories,
      ledgerKinds,
      awardStatus: awardStatuses,
      areaKinds: ['county', 'township', 'village', 'group'],
      relations: ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'],
      donorKinds: ['enterprise', 'organisation', 'unit', 'person'],
      movementKinds: ['purchase', 'donation', 'redemption', 'loss', 'return'],
      'counter.problems': ['empty', 'insufficient_points', 'insufficient_stock', 'limit_exceeded'],
    };
    const missing: string[] = [];
    for (const prefix of dynamicPrefixes()) {
      const values = enums[prefix];
      if (!values) {
        // A prefix this test does not know: at least the group must exist in both locales (same keys checked above).
        if (![...zh.keys()].some((k) => k.startsWith(`${prefix}.`))) missing.push(`zh-CN: no messages under ${prefix}.*`);
        if (![...enFlat.keys()].some((k) => k.startsWith(`${prefix}.`))) missing.push(`en: no messages under ${prefix}.*`);
        continue;
      }
      for (const v of values) {
        if (!zh.has(`${prefix}.${v}`)) missing.push(`zh-CN: ${prefix}.${v}`);
        if (!enFlat.has(`${prefix}.${v}`)) missing.push(`en: ${prefix}.${v}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('compiles every message (a stray @ or | would break it at run time)', () => {
    const broken: string[] = [];
    for (const [locale, map] of [
      ['zh-CN', zh],
      ['en', enFlat],
    ] as const) {
      for (const [key, source] of map) {
        baseCompile(source, { onError: (err) => broken.push(`${locale} ${key}: ${err.message}`) });
      }
    }
    expect(broken).toEqual([]);
  });

  it('uses the same placeholders in both locales', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differ = [...zh].filter(([k, v]) => JSON.stringify(names(v)) !== JSON.stringify(names(enFlat.get(k) ?? ''))).map(([k]) => k);
    expect(differ).toEqual([]);
  });
});
