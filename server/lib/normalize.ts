/**
 * Input as people type it. Chinese input methods often produce full-width forms (１３８, ＡＢＣ, a full-width
 * space); these are the same characters to the person typing. One module, imported by the web inputs and
 * the server's schemas, so what the screen accepts and what the server stores never differ.
 * No imports: the web bundle pulls this file in as is.
 */

/**
 * Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to their ASCII equivalents: exactly what
 * NFKC does to them, and nothing else (NFKC on the whole string would also rewrite characters in names).
 */
export function toHalfWidth(value: string): string {
  return value.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** A phone number as dialled: spaces and dashes (any width, any dash) are grouping, not part of the number. */
export function normalizePhone(value: string): string {
  return toHalfWidth(value).replace(/[\s\-\u2010-\u2015\u2212]/g, '');
}

/** A resident ID number: spaces dropped, the check letter upper-case. */
export function normalizeIdNumber(value: string): string {
  return toHalfWidth(value).replace(/\s/g, '').toUpperCase();
}

/** Search text and usernames: half-width and trimmed (inner spaces kept: "张 三" may be meant). */
export function normalizeText(value: string): string {
  return toHalfWidth(value).trim();
}
