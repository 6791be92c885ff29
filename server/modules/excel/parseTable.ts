import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { AppError, Invalid } from '../../lib/errors';
import { isValidText } from '../../lib/text';
import { badFile } from './sheetLimits';
import { GridBuilder, readXlsxGrid, type Grid } from './xlsxGrid';

/** One data row of an uploaded sheet: its row number as the cadre sees it, and its cells by header. */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
  /** Headers of cells whose text is not valid Unicode (lone surrogates, non-characters): left out of `cells`. */
  unreadable?: string[];
}

/** Everything the parse needs, as plain data that can cross to a worker thread. */
export interface TableJob {
  filename: string;
  bytes: Uint8Array;
  requiredHeader: string[];
  aliases: Record<string, string>;
  sheetNames: string[];
}

/**
 * The bytes of a CSV as text: UTF-8 (with or without BOM) when they decode as UTF-8, else GBK, which is
 * what WPS and Excel on a Chinese Windows write by default.
 */
export function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gbk');
  }
}

function normaliseHeader(text: string): string {
  return text.replace(/[\s*＊]/g, '').replace(/[（(]必填[)）]/g, '');
}

/** Rows numbered as before the worker: the n-th non-empty line is row n. */
function readCsvGrid(bytes: Buffer): Grid {
  const parsed = Papa.parse<string[]>(decodeCsv(bytes), { skipEmptyLines: 'greedy' });
  const g = new GridBuilder();
  parsed.data.forEach((r, i) => r.forEach((c, col) => c && g.put(i + 1, col + 1, String(c))));
  return g.grid;
}

/** Our exports put a quote before text that starts like a formula; a re-imported export reads as typed. */
const unquote = (v: string) => (v.startsWith("'") && /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

/**
 * The first sheet (or the named one) of an .xlsx or .csv upload as rows keyed by header. The header
 * row is the first of the top six rows holding `requiredHeader`, so an exported file with its title
 * row reads back as well as the bare template. Runs inside the parse worker.
 */
export async function parseTable(job: TableJob): Promise<SheetRow[]> {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  if (!bytes.length) throw new Invalid('文件是空的', undefined, 'empty_file');
  let grid: Grid;
  try {
    grid = /\.csv$/i.test(job.filename) ? readCsvGrid(bytes) : await readXlsxGrid(bytes, job.sheetNames);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw badFile();
  }
  const ordered = [...grid.entries()].sort((a, b) => a[0] - b[0]);
  const isHeader = (c: string | undefined) => !!c && job.requiredHeader.includes(normaliseHeader(c));
  const header = ordered.find(([row, cells]) => row <= 6 && cells.some(isHeader));
  if (!header) throw new Invalid(`找不到表头，第一行应包含「${job.requiredHeader[0]}」等列名，请使用下载的模板`, undefined, 'missing_header');
  const headers = Array.from(header[1], (c) => {
    if (!c || !isValidText(c)) return '';
    const h = normaliseHeader(c);
    return job.aliases[h] ?? h;
  });
  const rows: SheetRow[] = [];
  for (const [row, line] of ordered) {
    if (row <= header[0]) continue;
    const cells: Record<string, string> = {};
    const unreadable: string[] = [];
    headers.forEach((h, c) => {
      const v = unquote((line[c] ?? '').trim());
      if (!h || !v) return;
      if (isValidText(v)) cells[h] = v;
      else unreadable.push(h);
    });
    if (Object.keys(cells).length || unreadable.length) rows.push(unreadable.length ? { row, cells, unreadable } : { row, cells });
  }
  return rows;
}
