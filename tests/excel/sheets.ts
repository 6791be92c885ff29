import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';

/** An .xlsx upload body part from rows (first row is the header). */
export async function xlsxFile(rows: (string | number | null)[][], filename = '名单.xlsx', sheetName = '农户名单') {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.getColumn(6).numFmt = '@';
  ws.getColumn(5).numFmt = '@';
  for (const r of rows) ws.addRow(r);
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename, contentBase64: buf.toString('base64') };
}

/** A .csv upload encoded as GBK (what WPS writes on a Chinese Windows), or UTF-8 with a BOM. */
export function csvFile(rows: (string | number | null)[][], encoding: 'gbk' | 'utf8bom' = 'gbk', filename = '名单.csv') {
  const text = Papa.unparse(rows.map((r) => r.map((c) => c ?? '')));
  const bytes = encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  return { filename, contentBase64: bytes.toString('base64') };
}

/** Reads a downloaded workbook's first sheet as text rows. */
export async function readXlsx(body: ArrayBuffer | Buffer, sheet?: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as ArrayBuffer);
  const ws = sheet ? wb.getWorksheet(sheet)! : wb.worksheets[0];
  const out: string[][] = [];
  ws.eachRow((row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(row.getCell(c).text);
    out[n - 1] = cells;
  });
  return out;
}

export const HEADER = ['户主姓名', '门牌号', '村民小组', '类别', '手机号', '身份证号', '家庭成员'];
