import type ExcelJS from 'exceljs';
import { newWorkbook } from './exceljs';
import { shanghaiDay } from '../../../db/time';

export interface SheetColumn<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | null;
  /** Keeps long digit strings (ID numbers, phones) as text so Excel does not round them. */
  text?: boolean;
}

export interface SheetSpec<T> {
  name: string;
  title: string;
  columns: SheetColumn<T>[];
  rows: T[];
}

/**
 * Text a spreadsheet could take for a formula (= + - @, or a tab or CR before one) gets a leading
 * quote, so a cell never runs when someone edits it or saves the sheet as CSV. Numbers stay numbers.
 */
export function safeCell(value: string | number | null): string | number {
  if (value === null) return '';
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function shanghaiTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Adds one sheet: a bold title row (what, area, period, time), the header frozen under it, sized columns. */
export function addSheet<T>(wb: ExcelJS.Workbook, spec: SheetSpec<T>, at: number): void {
  const ws = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = spec.columns.map((c) => ({ width: c.width, style: c.text ? { numFmt: '@' } : {} }));
  const title = ws.addRow([safeCell(`${spec.title}（导出时间 ${shanghaiTime(at)}）`)]);
  title.font = { bold: true, size: 14 };
  title.height = 22;
  if (spec.columns.length > 1) ws.mergeCells(1, 1, 1, spec.columns.length);
  const header = ws.addRow(spec.columns.map((c) => safeCell(c.header)));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  // Every cell of every export is written here, and only through safeCell.
  for (const row of spec.rows) ws.addRow(spec.columns.map((c) => safeCell(c.value(row))));
}

/** A whole workbook of sheets as an .xlsx buffer. */
export async function writeWorkbook(sheets: SheetSpec<unknown>[], at: number): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = 'jifen';
  wb.created = new Date(at);
  for (const s of sheets) addSheet(wb, s, at);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A single-sheet workbook. */
export function writeSheet<T>(spec: SheetSpec<T>, at: number): Promise<Buffer> {
  return writeWorkbook([spec as SheetSpec<unknown>], at);
}

export interface XlsxFile {
  filename: string;
  body: Buffer;
}

/** "积分流水-东村-2026-06-导出2026-07-01.xlsx": what, where, which period, when exported. */
export function exportName(what: string, area: string, at: number, period?: string): string {
  return `${[what, area, period].filter(Boolean).join('-')}-导出${shanghaiDay(at)}.xlsx`;
}
