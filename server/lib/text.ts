/**
 * Text that may reach the database: well-formed Unicode with no non-characters. A lone surrogate is
 * stored by SQLite as bytes other than the ones a hash of the JavaScript string covers, so one such
 * string would break the ledger's verification for good; non-characters have no business in names or notes.
 */
const NON_CHARACTER = /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isValidText(s: string): boolean {
  return !LONE_SURROGATE.test(s) && !NON_CHARACTER.test(s);
}

/** Path (e.g. `items.0.note`) of the first string inside `value` that is not valid text, or null. */
export function findInvalidText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return isValidText(value) ? null : path || '(value)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInvalidText(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isValidText(k)) return path ? `${path}.(key)` : '(key)';
      const found = findInvalidText(v, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  }
  return null;
}
