import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../lib/errors';
import { parseTable, type SheetRow, type TableJob } from './parseTable';

/** What the worker sends back: the rows, or the refusal to show the cadre. */
export type ParseReply = { ok: true; rows: SheetRow[] } | { ok: false; status: number; code: AppError['code']; message: string; details?: unknown };

async function reply(job: TableJob): Promise<ParseReply> {
  try {
    return { ok: true, rows: await parseTable(job) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, status: err.status, code: err.code, message: err.message, details: err.details };
    return { ok: false, status: 400, code: 'bad_file', message: '无法读取该 Excel 文件，请另存为 .xlsx 后重试' };
  }
}

// Entry point of the parse worker (see parseInWorker.ts); does nothing when imported elsewhere.
if (parentPort && (workerData as { jifenParse?: TableJob } | null)?.jifenParse) {
  const port = parentPort;
  void reply((workerData as { jifenParse: TableJob }).jifenParse).then((r) => port.postMessage(r));
}
