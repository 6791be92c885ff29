import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipPart {
  name: string;
  data: Buffer;
  /** Deflated bytes to store instead of deflating `data` (for bombs built without the memory). */
  deflated?: Buffer;
  /** Sizes and CRC to declare instead of the real ones (for lying headers). */
  declaredSize?: number;
  crc?: number;
  stored?: boolean;
}

/** A plain zip (no ZIP64) from parts, written by hand so a test can make it lie. */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const body = p.deflated ?? (p.stored ? p.data : deflateRawSync(p.data, { level: 9 }));
    const size = p.declaredSize ?? p.data.length;
    const crc = p.crc ?? crc32(p.data);
    const method = p.stored ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts around one worksheet, as Excel names them. */
export function xlsxParts(sheet: ZipPart['data'] | Omit<ZipPart, 'name'>, extra: ZipPart[] = []): ZipPart[] {
  const sheetPart: ZipPart = Buffer.isBuffer(sheet) ? { name: 'xl/worksheets/sheet1.xml', data: sheet } : { name: 'xl/worksheets/sheet1.xml', ...sheet };
  return [
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
    { name: '_rels/.rels', data: Buffer.from(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: Buffer.from(`<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="农户名单" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    sheetPart,
    ...extra,
  ];
}

/** A worksheet whose cells are inline strings, written without cell references, as some generators do. */
export function inlineSheet(rows: string[][]): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const body = rows.map((r) => `<row>${r.map((c) => (c ? `<c t="inlineStr"><is><t>${esc(c)}</t></is></c>` : '<c/>')).join('')}</row>`).join('');
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>${body}</sheetData></worksheet>`);
}

/**
 * Raw deflate of `megabytes` MiB of zeros without ever holding them: one independently compressed
 * MiB repeated, then an empty final block. Also returns the CRC the zeros have.
 */
export function zeroBomb(megabytes: number): { deflated: Buffer; size: number; crc: number } {
  const mib = Buffer.alloc(1024 * 1024);
  const block = deflateRawSync(mib, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  let crc = 0;
  for (let i = 0; i < megabytes; i++) crc = crc32(mib, crc);
  const deflated = Buffer.concat([...Array.from({ length: megabytes }, () => block), Buffer.from([0x03, 0x00])]);
  return { deflated, size: megabytes * mib.length, crc };
}

export function upload(bytes: Buffer, filename = '名单.xlsx') {
  return { filename, contentBase64: bytes.toString('base64') };
}
