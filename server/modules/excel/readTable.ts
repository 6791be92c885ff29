import { Invalid } from '../../lib/errors';
import { parseInWorker } from './parseInWorker';
import type { SheetRow } from './parseTable';
import type { UploadedFile } from './schemas';

export type { SheetRow } from './parseTable';

/**
 * Reads the first sheet (or the named one) of an .xlsx or .csv upload into rows keyed by header
 * (see parseTable). The parse runs in a worker thread with a time and memory budget, so no upload
 * holds up the requests of anyone else.
 */
export async function readTable(file: UploadedFile, opts: { requiredHeader: string[]; aliases: Record<string, string>; sheetNames?: readonly string[] }): Promise<SheetRow[]> {
  const bytes = Buffer.from(file.contentBase64, 'base64');
  if (!bytes.length) throw new Invalid('文件是空的', undefined, 'empty_file');
  return parseInWorker({ filename: file.filename, bytes, requiredHeader: opts.requiredHeader, aliases: opts.aliases, sheetNames: [...(opts.sheetNames ?? [])] });
}
