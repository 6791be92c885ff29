import { crc32 } from 'node:zlib';
import { fromBufferPromise, type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../lib/errors';
import { badFile, inflatesTooMuch, sheetLimits } from './sheetLimits';

export interface ZipLimits {
  maxEntries: number;
  maxDeclaredBytes: number;
  maxInflatedBytes: number;
}

const defaultLimits: ZipLimits = {
  maxEntries: sheetLimits.maxZipEntries,
  maxDeclaredBytes: sheetLimits.maxDeclaredBytes,
  maxInflatedBytes: sheetLimits.maxInflatedBytes,
};

/** yauzl's own errors (bad signatures, encryption, unknown methods, bad names) say the file is not a usable zip. */
function asBadFile(err: unknown): Error {
  return err instanceof AppError ? err : badFile();
}

/**
 * A zip read through yauzl from its central directory, with every size checked before anything is
 * inflated: the entry count and the declared sizes up front, then each entry inflated while its bytes
 * are counted, the stream destroyed as soon as it passes its declared size (a header that lies cannot
 * make it inflate more). yauzl checks no CRC (its README, "No CRC-32 Checking"), so it is checked here.
 */
export class ZipReader {
  private inflated = 0;

  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  static async open(bytes: Buffer, limits: ZipLimits = defaultLimits): Promise<ZipReader> {
    let zip: ZipFile;
    try {
      // validateEntrySizes off: the count below refuses too many bytes as 413, not as yauzl's generic error.
      zip = await fromBufferPromise(bytes, { lazyEntries: true, autoClose: false, validateEntrySizes: false });
    } catch (err) {
      throw asBadFile(err);
    }
    try {
      if (zip.entryCount > limits.maxEntries) throw inflatesTooMuch();
      const entries = new Map<string, Entry>();
      let declared = 0;
      for await (const entry of zip.eachEntry()) {
        declared += entry.uncompressedSize;
        if (declared > limits.maxDeclaredBytes) throw inflatesTooMuch();
        // Like the spreadsheet libraries, the last entry of a name wins; both were counted above.
        entries.set(entry.fileName, entry);
      }
      return new ZipReader(zip, entries, limits);
    } catch (err) {
      zip.close();
      throw asBadFile(err);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Streams the entry's bytes to `sink` as they are inflated (false when there is no such entry); counts
   * against the inflated-bytes budget before inflating. `sink` may throw to stop reading early.
   */
  async stream(name: string, sink: (chunk: Buffer) => void): Promise<boolean> {
    const entry = this.entries.get(name);
    if (!entry) return false;
    const size = entry.uncompressedSize;
    this.inflated += size;
    if (this.inflated > this.limits.maxInflatedBytes) throw inflatesTooMuch();
    let read = 0;
    let crc = 0;
    try {
      const stream = await this.zip.openReadStreamPromise(entry);
      // Leaving the loop by a throw destroys the stream, and with it the inflater.
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (read > size) throw inflatesTooMuch();
        crc = crc32(chunk, crc);
        sink(chunk);
      }
    } catch (err) {
      throw asBadFile(err);
    }
    if (read !== size || crc >>> 0 !== entry.crc32 >>> 0) throw badFile();
    return true;
  }

  /** The entry's bytes, or null when there is none. */
  async read(name: string): Promise<Buffer | null> {
    const parts: Buffer[] = [];
    return (await this.stream(name, (c) => parts.push(c))) ? Buffer.concat(parts) : null;
  }

  close(): void {
    this.zip.close();
  }
}
