import type { Context } from 'hono';
import type { XlsxFile } from './writeWorkbook';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A download name made from area names and the like, safe to hand to a browser: no control characters
 * (a CR or LF would end the header), no direction marks or overrides (which make "…\u202Excsl.exe"
 * look like another file type), no path separators, no lone surrogates.
 */
export function safeFilename(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\/]/g, '_')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '_')
    .trim();
  return /[^.\s]/.test(cleaned.replace(/\.xlsx$/i, '')) ? cleaned : 'export.xlsx';
}

/** The file as a download; the Chinese name goes in RFC 5987 `filename*`, with an ASCII fallback. */
export function sendXlsx(c: Context, file: XlsxFile): Response {
  const name = safeFilename(file.filename);
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return c.body(new Uint8Array(file.body), 200, {
    'content-type': XLSX_TYPE,
    'content-disposition': `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
  });
}
