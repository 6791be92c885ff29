import { html, raw } from 'hono/html';
import QRCode from 'qrcode';
import { shanghaiDay } from '../../../../db/time';

export type Cell = string | number | null;
export type Html = ReturnType<typeof html>;

export interface Poster {
  /** Title in the big red band, e.g. "红榜". */
  title: string;
  /** "测试县 东乡 东村" */
  trail: string;
  periodLabel: string;
  /** Publication date, or null for a board computed on the spot. */
  publishedAt: number | null;
  now: number;
  /** Full URL of the online version (also encoded in the QR code). */
  onlineUrl: string;
  hash: string;
  /** The ledger chain head the page was computed from, as the footer shows it (see boards/chainHead.ts). */
  chainHead: string;
  version?: number | null;
  columns: Array<{ label: string; width?: string; align?: 'left' | 'right' | 'center' }>;
  rows: Cell[][];
  emptyText: string;
  note?: string;
  tone?: 'red' | 'black' | 'gold';
  /** The signed checkpoint and key a reader checks the page against (see proofLine.ts). */
  proof: PosterProof;
  /** Under the QR code; a published board's says it can be verified there. */
  qrLabel?: string;
}

/**
 * What every poster prints about the signed checkpoints: the checkpoint number (the board's own for a
 * publication, else the county's latest) and the fingerprint of the key, so a reader can compare it
 * with what the phone shows after 核验.
 */
export interface PosterProof {
  checkpointSeq: number | null;
  /** True when the checkpoint is the one the board was computed from (a publication). */
  own: boolean;
  /** A publication made before checkpoints existed. */
  beforeCheckpoints: boolean;
  /** "3F2A 91C0 …": 8 groups of 4 upper-case hex digits. */
  fingerprintDisplay: string;
}

/** The footer's checkpoint line, in words a villager can read aloud. */
export function proofLine(p: PosterProof): string {
  const checkpoint = p.beforeCheckpoints
    ? '本榜发布于检查点启用前'
    : p.checkpointSeq == null
      ? '尚无检查点'
      : p.own
        ? `依据检查点 第 ${p.checkpointSeq} 号（扫码点“核验”可在手机上核对）`
        : `最近检查点 第 ${p.checkpointSeq} 号`;
  return `${checkpoint} · 县检查点公钥指纹：`;
}

export const ROWS_PER_PAGE = 30;

export function periodLabel(period: string): string {
  const y = period.slice(0, 4);
  if (period.length === 4) return `${y}年度`;
  if (period[5] === 'Q') return `${y}年第${period.slice(6)}季度`;
  return `${y}年${Number(period.slice(5, 7))}月`;
}

export function dayLabel(ms: number): string {
  const d = shanghaiDay(ms);
  return `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
}

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
}

const tones = { red: '#c8161d', black: '#222', gold: '#b8860b' };

const css = (tone: string) => `
@page { size: A4; margin: 10mm 12mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; color: #111; background: #eee; }
.sheet { width: 186mm; height: 276mm; margin: 6mm auto; padding: 0; background: #fff; display: flex; flex-direction: column; overflow: hidden; break-after: page; page-break-after: always; }
.sheet:last-child { break-after: auto; page-break-after: auto; }
header { display: flex; align-items: center; gap: 4mm; border-bottom: 1.2mm solid ${tone}; padding-bottom: 2mm; height: 30mm; }
header .titles { flex: 1; min-width: 0; }
header h1 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 26pt; margin: 0; color: ${tone}; letter-spacing: 0.3em; line-height: 1.1; }
header .trail { font-size: 13pt; font-weight: 700; margin-top: 1.5mm; }
header .meta { font-size: 9.5pt; color: #444; margin-top: 1mm; }
header .qr { width: 24mm; height: 24mm; flex: none; text-align: center; font-size: 7pt; color: #555; }
header .qr svg { width: 22mm; height: 22mm; display: block; margin: 0 auto; }
table { width: 100%; border-collapse: collapse; margin-top: 2mm; table-layout: fixed; }
th, td { border-bottom: 0.2mm solid #bbb; height: 7.1mm; padding: 0 1.5mm; font-size: 10.5pt; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
th { background: ${tone}; color: #fff; font-weight: 700; height: 7.5mm; }
tbody tr:nth-child(even) td { background: #f7f2ef; }
td.r, th.r { text-align: right; } td.c, th.c { text-align: center; }
.empty { font-size: 14pt; color: #666; text-align: center; margin-top: 40mm; }
.note { font-size: 9pt; color: #444; margin-top: 2mm; }
main { flex: 1; min-height: 0; }
footer { border-top: 0.3mm solid #999; padding-top: 1.2mm; font-size: 7pt; color: #444; font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; line-height: 1.35; word-break: break-all; }
footer .page { float: right; font-family: "Noto Sans CJK SC", sans-serif; font-size: 8pt; }
footer .proof { font-family: "Noto Sans CJK SC", sans-serif; font-size: 8pt; color: #222; }
footer .fp { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; font-size: 9pt; font-weight: 700; color: #111; word-break: normal; white-space: nowrap; }
@media print { body { background: #fff; } .sheet { margin: 0; } }
`;

/** An A4 poster: 30 rows per page, each page with the heading, QR code and the hash footer. */
export async function renderPoster(p: Poster): Promise<Html> {
  const qr = await qrSvg(p.onlineUrl);
  const tone = tones[p.tone ?? 'red'];
  const pages: Cell[][][] = [];
  for (let i = 0; i < p.rows.length; i += ROWS_PER_PAGE) pages.push(p.rows.slice(i, i + ROWS_PER_PAGE));
  if (!pages.length) pages.push([]);
  const published = p.publishedAt != null ? `发布日期：${dayLabel(p.publishedAt)}${p.version ? `（第 ${p.version} 版）` : ''}` : `生成日期：${dayLabel(p.now)}（实时数据，非正式发布）`;
  const sheets = pages.map(
    (rows, i) => html`<section class="sheet">
      <header>
        <div class="titles">
          <h1>${p.title}</h1>
          <div class="trail">${p.trail}</div>
          <div class="meta">${p.periodLabel} · ${published}</div>
        </div>
        <div class="qr">${raw(qr)}<div>${p.qrLabel ?? '扫码查看网上版本'}</div></div>
      </header>
      <main>
        ${rows.length
          ? html`<table>
              <colgroup>${p.columns.map((c) => html`<col style="width:${c.width ?? 'auto'}" />`)}</colgroup>
              <thead><tr>${p.columns.map((c) => html`<th class="${c.align === 'right' ? 'r' : c.align === 'center' ? 'c' : ''}">${c.label}</th>`)}</tr></thead>
              <tbody>
                ${rows.map(
                  (r) => html`<tr>${r.map((cell, j) => {
                    const a = p.columns[j]?.align;
                    return html`<td class="${a === 'right' ? 'r' : a === 'center' ? 'c' : ''}">${cell ?? ''}</td>`;
                  })}</tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="empty">${p.emptyText}</p>`}
        ${p.note && i === pages.length - 1 ? html`<p class="note">${p.note}</p>` : ''}
      </main>
      <footer>
        <span class="page">第 ${i + 1} / ${pages.length} 页</span>
        榜单哈希 SHA-256：${p.hash}<br />
        账本链头：${p.chainHead}<br />
        <span class="proof">${proofLine(p.proof)}</span><span class="fp">${p.proof.fingerprintDisplay}</span>
      </footer>
    </section>`,
  );
  return document(`${p.trail} ${p.title} ${p.periodLabel}`, tone, sheets);
}

export function document(title: string, tone: string, body: unknown): Html {
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${raw(css(tone))}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}

/** A plain A4 page for "not published yet" and similar. */
export function messagePage(title: string, message: string): Html {
  return document(title, tones.red, html`<section class="sheet"><p class="empty">${message}</p></section>`);
}

export function starsText(n: number): string {
  return '★'.repeat(n) + '☆'.repeat(Math.max(0, 5 - n));
}
