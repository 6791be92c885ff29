import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, ApiError, apiErrorOf, call, withLanguage } from '../../api/client';

export type HouseholdPreview = InferResponseType<typeof api.imports.households.preview.$post, 200>;
export type HouseholdImportResult = InferResponseType<typeof api.imports.households.$post, 201>;
export type AwardPreview = InferResponseType<typeof api.imports.awards.preview.$post, 200>;
export type AwardImportResult = InferResponseType<typeof api.imports.awards.$post, 201>;
export type UploadedFile = InferRequestType<typeof api.imports.households.$post>['json']['file'];

/** The server takes JSON bodies up to 1 MiB; base64 grows a file by a third. */
export const MAX_FILE_BYTES = 700 * 1024;

export async function readUpload(file: File): Promise<UploadedFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { filename: file.name, contentBase64: btoa(binary) };
}

export const previewHouseholds = (villageId: number, file: UploadedFile) => call(api.imports.households.preview.$post({ json: { villageId, file } }));
/** createGroups: the cadre saw the preview's new 村民小组 and confirms making them with the import. */
export const importHouseholds = (villageId: number, file: UploadedFile, createGroups = false) => call(api.imports.households.$post({ json: { villageId, file, createGroups } }));
export const previewAwards = (body: { villageId: number; occurredOn: string; note?: string; file: UploadedFile }) => call(api.imports.awards.preview.$post({ json: body }));
export const importAwards = (body: { villageId: number; occurredOn: string; note?: string; file: UploadedFile }) => call(api.imports.awards.$post({ json: body }));

type Query = Record<string, string | number | undefined>;
function clean(query: Query): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
}

/** Typed URLs of every spreadsheet the server offers. */
export const xlsxUrls = {
  rosterTemplate: (q: Query) => api.imports.households['template.xlsx'].$path({ query: clean(q) }),
  scoreTemplate: (q: Query) => api.imports.awards['template.xlsx'].$path({ query: clean(q) }),
  households: (q: Query) => api.exports['households.xlsx'].$path({ query: clean(q) }),
  ledger: (q: Query) => api.exports['ledger.xlsx'].$path({ query: clean(q) as { period: string } }),
  awards: (q: Query) => api.exports['awards.xlsx'].$path({ query: clean(q) }),
  redemptions: (q: Query) => api.exports['redemptions.xlsx'].$path({ query: clean(q) as { period: string } }),
  movements: (q: Query) => api.exports['movements.xlsx'].$path({ query: clean(q) as { period: string } }),
  donations: (q: Query) => api.exports['donations.xlsx'].$path({ query: clean(q) as { period: string } }),
  leaderboard: (q: Query) => api.exports['leaderboard.xlsx'].$path({ query: clean(q) as { period: string } }),
  board: (q: Query) => api.exports['board.xlsx'].$path({ query: clean(q) as unknown as InferRequestType<(typeof api.exports)['board.xlsx']['$get']>['query'] }),
  dashboard: (q: Query) => api.exports['dashboard.xlsx'].$path({ query: clean(q) }),
};
export type XlsxKind = keyof typeof xlsxUrls;

function filenameOf(disposition: string | null): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '');
  if (star) return decodeURIComponent(star[1]);
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? 'export.xlsx';
}

/** Fetches a spreadsheet and saves it; a refusal (too many rows, no access) comes back as an ApiError. */
export async function downloadXlsx(path: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(path, withLanguage({ credentials: 'include' }));
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (!res.ok) {
    throw apiErrorOf(res.status, await res.json().catch(() => null));
  }
  const name = filenameOf(res.headers.get('content-disposition'));
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}

/** Period keys the pickers offer: "2026", "2026-Q2", "2026-05". */
export function periodOf(year: number, part: string): string {
  return part && part !== 'all' ? `${year}-${part}` : String(year);
}
