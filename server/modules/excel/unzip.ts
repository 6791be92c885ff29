import { crc32, inflateRawSync } from 'node:zlib';
import { badFile, inflatesTooMuch, sheetLimits } from './sheetLimits';

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * A zip read from its central directory, the way spreadsheet libraries read it, with every size
 * checked before anything is inflated: entry count and declared sizes up front, then each entry
 * inflated with a hard output cap equal to its declared size, so a header that lies cannot make
 * it inflate more. ZIP64, encryption and methods other than store/deflate are refused: no .xlsx
 * small enough to upload needs them.
 */
export class ZipReader {
  private readonly entries = new Map<string, ZipEntry>();
  private inflated = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly limits: { maxEntries: number; maxDeclaredBytes: number; maxInflatedBytes: number } = {
      maxEntries: sheetLimits.maxZipEntries,
      maxDeclaredBytes: sheetLimits.maxDeclaredBytes,
      maxInflatedBytes: sheetLimits.maxInflatedBytes,
    },
  ) {
    const eocd = this.findEnd();
    if (bytes.readUInt16LE(eocd + 4) !== 0 || bytes.readUInt16LE(eocd + 6) !== 0) throw badFile();
    const count = bytes.readUInt16LE(eocd + 10);
    const dirSize = bytes.readUInt32LE(eocd + 12);
    const dirOffset = bytes.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirOffset === 0xffffffff || dirSize === 0xffffffff) throw badFile();
    if (count > limits.maxEntries) throw inflatesTooMuch();
    if (dirOffset + dirSize > eocd) throw badFile();
    let at = dirOffset;
    let declared = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > eocd || bytes.readUInt32LE(at) !== CENTRAL) throw badFile();
      const nameLength = bytes.readUInt16LE(at + 28);
      const entry: ZipEntry = {
        flags: bytes.readUInt16LE(at + 8),
        method: bytes.readUInt16LE(at + 10),
        crc: bytes.readUInt32LE(at + 16),
        compressedSize: bytes.readUInt32LE(at + 20),
        size: bytes.readUInt32LE(at + 24),
        localOffset: bytes.readUInt32LE(at + 42),
        name: bytes.toString('utf8', at + 46, at + 46 + nameLength),
      };
      if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) throw badFile();
      declared += entry.size;
      if (declared > limits.maxDeclaredBytes) throw inflatesTooMuch();
      // Like the libraries, the last entry of a name wins; both were counted above.
      this.entries.set(entry.name.replace(/^\/+/, ''), entry);
      at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    }
  }

  private findEnd(): number {
    const b = this.bytes;
    const stop = Math.max(0, b.length - 22 - 0xffff);
    for (let i = b.length - 22; i >= stop; i--) if (b.readUInt32LE(i) === EOCD) return i;
    throw badFile();
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes, or null when there is none; counts against the inflated-bytes budget. */
  read(name: string): Buffer | null {
    const e = this.entries.get(name);
    if (!e) return null;
    if (e.flags & 0x1) throw badFile();
    this.inflated += e.size;
    if (this.inflated > this.limits.maxInflatedBytes) throw inflatesTooMuch();
    const b = this.bytes;
    if (e.localOffset + 30 > b.length || b.readUInt32LE(e.localOffset) !== LOCAL) throw badFile();
    const start = e.localOffset + 30 + b.readUInt16LE(e.localOffset + 26) + b.readUInt16LE(e.localOffset + 28);
    const end = start + e.compressedSize;
    if (end > b.length) throw badFile();
    const raw = b.subarray(start, end);
    let out: Buffer;
    if (e.method === 0) out = raw;
    else if (e.method === 8) {
      try {
        // The cap stops inflation as soon as the real output passes the declared size.
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        if (err instanceof RangeError) throw inflatesTooMuch();
        throw badFile();
      }
    } else throw badFile();
    if (out.length !== e.size || crc32(out) !== e.crc) throw badFile();
    return out;
  }
}
