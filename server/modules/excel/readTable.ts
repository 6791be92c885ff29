import { newWorkbook } from './exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { Invalid } from '../../lib/errors';
import type { UploadedFile } from './schemas';

/** One data row of an uploaded sheet: its row number as the cadre sees it, and its cells by header. */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
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

async function readGrid(file: UploadedFile, sheetNames: readonly string[]): Promise<string[][]> {
  const bytes = Buffer.from(file.contentBase64, 'base64');
  if (!bytes.length) throw new Invalid('文件是空的', undefined, 'empty_file');
  if (/\.csv$/i.test(file.filename)) {
    const parsed = Papa.parse<string[]>(decodeCsv(bytes), { skipEmptyLines: 'greedy' });
    return parsed.data.map((r) => r.map((c) => String(c ?? '')));
  }
  const wb = await newWorkbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new Invalid('无法读取该 Excel 文件，请另存为 .xlsx 后重试', undefined, 'bad_file');
  }
  const ws = sheetNames.map((n) => wb.getWorksheet(n)).find((w) => w) ?? wb.worksheets[0];
  if (!ws) throw new Invalid('文件中没有工作表', undefined, 'empty_file');
  const grid: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(row.getCell(c).text ?? '');
    grid[n - 1] = cells;
  });
  for (let i = 0; i < grid.length; i++) grid[i] ??= [];
  return grid;
}

/**
 * Reads the first sheet (or the named one) of an .xlsx or .csv upload into rows keyed by header.
 * The header row is the first of the top rows holding `requiredHeader`, so an exported file with its
 * title row reads back as well as the bare template.
 */
export async function readTable(file: UploadedFile, opts: { requiredHeader: string[]; aliases: Record<string, string>; sheetNames?: readonly string[] }): Promise<SheetRow[]> {
  const grid = await readGrid(file, opts.sheetNames ?? []);
  const headerIndex = grid.slice(0, 6).findIndex((r) => r.some((c) => opts.requiredHeader.includes(normaliseHeader(c))));
  if (headerIndex < 0) throw new Invalid(`找不到表头，第一行应包含「${opts.requiredHeader[0]}」等列名，请使用下载的模板`, undefined, 'missing_header');
  const headers = grid[headerIndex].map((c) => {
    const h = normaliseHeader(c);
    return opts.aliases[h] ?? h;
  });
  const rows: SheetRow[] = [];
  for (let i = headerIndex + 1; i < grid.length; i++) {
    const cells: Record<string, string> = {};
    let any = false;
    headers.forEach((h, c) => {
      const v = (grid[i][c] ?? '').trim();
      if (h && v) {
        cells[h] = v;
        any = true;
      }
    });
    if (any) rows.push({ row: i + 1, cells });
  }
  return rows;
}
