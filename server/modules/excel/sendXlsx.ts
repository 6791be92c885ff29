import type { Context } from 'hono';
import type { XlsxFile } from './writeWorkbook';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file as a download; the Chinese name goes in RFC 5987 `filename*`, with an ASCII fallback. */
export function sendXlsx(c: Context, file: XlsxFile): Response {
  const fallback = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return c.body(new Uint8Array(file.body), 200, {
    'content-type': XLSX_TYPE,
    'content-disposition': `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'cache-control': 'no-store',
  });
}
