import { AppError, Invalid } from '../../lib/errors';

/**
 * What an uploaded sheet may be. The API body limit (1 MiB) already caps the file near 750 KB, which
 * holds an honest 20,000-household roster (about 8 MB of XML once unzipped); these bounds sit well
 * above that and far below what would hurt the server.
 */
export const sheetLimits = {
  /** Data rows, header included: a county's largest village is a few thousand households. */
  maxRows: 50_000,
  /** Columns A..CV; a roster has seven, a score sheet six. */
  maxColumns: 100,
  /** Cells holding a value (merged areas count every cell they cover). */
  maxCells: 500_000,
  /** Entries in the zip: an .xlsx has about a dozen. */
  maxZipEntries: 500,
  /** Uncompressed sizes the zip declares, all entries together. */
  maxDeclaredBytes: 100 * 1024 * 1024,
  /** Bytes really inflated (workbook, relations, shared strings, the one sheet read). */
  maxInflatedBytes: 40 * 1024 * 1024,
} as const;

/** 413: the sheet is larger than any honest roster or score sheet; said before any real work is done. */
export class SheetTooLarge extends AppError {
  constructor(message: string, code: AppError['code'] = 'sheet_too_large') {
    super(413, code, message);
  }
}

export function badFile(): Invalid {
  return new Invalid('无法读取该 Excel 文件，请另存为 .xlsx 后重试', undefined, 'bad_file');
}

export function tooManyRows(): SheetTooLarge {
  return new SheetTooLarge(`表格行数过多（最多 ${sheetLimits.maxRows} 行），请检查表格末尾是否有误填的内容，或拆分后分批导入`);
}

export function tooManyColumns(): SheetTooLarge {
  return new SheetTooLarge(`表格列数过多（最多 ${sheetLimits.maxColumns} 列），请检查表格右侧是否有误填的内容`);
}

export function tooManyCells(): SheetTooLarge {
  return new SheetTooLarge(`表格内容过多（最多 ${sheetLimits.maxCells} 个单元格），请拆分后分批导入`);
}

export function inflatesTooMuch(): SheetTooLarge {
  return new SheetTooLarge('文件解压后过大，不像是正常的名单或评分表，请另存为 .xlsx 后重试', 'file_too_large');
}
