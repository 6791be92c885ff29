import type ExcelJS from 'exceljs';

/** exceljs is the heaviest module of the server (~0.4 s to load): loaded on the first spreadsheet, not at start-up. */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: lib } = await import('exceljs');
  return new lib.Workbook();
}
