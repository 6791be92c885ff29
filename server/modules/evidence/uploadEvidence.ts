import sharp from 'sharp';
import { readDb } from '../../../db/client';
import { evidenceFileByHash, recordEvidenceUpload, uploadsSince, type EvidenceFileRow } from '../../../db/evidence/evidence';
import { checkEvidenceFile, removeEvidenceFile, sha256Hex, writeEvidenceFile } from '../../../db/evidence/files';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { AppError, Invalid, TooManyRequests } from '../../lib/errors';
import { EVIDENCE_LIMITS } from './limits';

// Decoded pixels are held only while one request runs; vips' operation cache would keep them longer.
sharp.cache(false);

const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);
const DAY_MS = 86_400_000;

export interface UploadedEvidence {
  hash: string;
  width: number;
  height: number;
  bytes: number;
}

function badImage(): never {
  throw new Invalid('无法识别的图片，请上传 JPEG、PNG 或 WebP 照片', undefined, 'bad_image');
}

/** At most two photos decode at once: each may hold ~160 MB of pixels while it is resized. */
let running = 0;
const waiting: (() => void)[] = [];
async function decodeSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((ok) => waiting.push(ok));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/**
 * Decodes the upload (the content decides what it is, never its name or content type) and re-encodes
 * it as a JPEG with a long side of at most 1600 px. The output carries no metadata at all: EXIF (GPS
 * position, camera serial), XMP and ICC are dropped; the EXIF orientation is applied to the pixels first.
 */
async function reencode(input: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const options = { limitInputPixels: EVIDENCE_LIMITS.maxInputPixels, failOn: 'truncated' as const };
  let format: string | undefined;
  let pixels: number;
  try {
    // The header only (no pixels decoded), without the pixel limit, so a bomb is named as one below.
    const meta = await sharp(input, { ...options, limitInputPixels: false }).metadata();
    format = meta.format;
    pixels = (meta.width ?? 0) * (meta.height ?? 0);
  } catch {
    badImage();
  }
  if (!format || !ACCEPTED_FORMATS.has(format) || pixels <= 0) badImage();
  // The header alone says how big the decoded image would be: a bomb is refused before any decoding.
  if (pixels > EVIDENCE_LIMITS.maxInputPixels) {
    throw new AppError(413, 'image_too_large', `照片像素过多（最多 ${EVIDENCE_LIMITS.maxInputPixels / 1_000_000} 百万像素）`);
  }
  try {
    const { data, info } = await sharp(input, options)
      .rotate()
      .resize({ width: EVIDENCE_LIMITS.longSide, height: EVIDENCE_LIMITS.longSide, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: EVIDENCE_LIMITS.quality })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    badImage();
  }
}

/** One upload of a given photo at a time in this process: a failed one must not remove a file another just recorded. */
const inFlight = new Map<string, Promise<unknown>>();
async function oneAtATime<T>(hash: string, work: () => Promise<T>): Promise<T> {
  while (inFlight.has(hash)) await inFlight.get(hash)!.catch(() => undefined);
  const p = work();
  inFlight.set(hash, p);
  try {
    return await p;
  } finally {
    inFlight.delete(hash);
  }
}

function evidenceDir(ctx: Ctx): string {
  const dir = ctx.config.evidenceDir;
  if (!dir) throw new Error('no evidence folder configured (AppConfig.evidenceDir)');
  return dir;
}

/**
 * Stores a photo taken for a proposal: re-encoded without metadata, content-addressed by the sha256 of
 * the stored bytes, written to a temporary file and renamed, then recorded with its uploader. Anything
 * that fails leaves no file behind. The same photo uploaded again is stored once.
 */
export async function uploadEvidence(ctx: Ctx, input: Uint8Array): Promise<UploadedEvidence> {
  const dir = evidenceDir(ctx);
  if (!input.length) badImage();
  const at = ctx.now.getTime();
  const tooMany = () =>
    new TooManyRequests(`24 小时内最多上传 ${EVIDENCE_LIMITS.perUserPerDay} 张照片`, 'too_many_requests', 3600);
  if ((await uploadsSince(readDb(ctx.db), ctx.actor.userId, at - DAY_MS)) >= EVIDENCE_LIMITS.perUserPerDay) throw tooMany();
  const { data, width, height } = await decodeSlot(() => reencode(input));
  const hash = sha256Hex(data);
  const row: EvidenceFileRow = { hash, format: 'jpeg', bytes: data.length, width, height, createdAt: at };
  return oneAtATime(hash, async () => {
    const known = await evidenceFileByHash(readDb(ctx.db), hash);
    // A recorded photo whose file went missing is written again from these very bytes.
    const wrote = !known || checkEvidenceFile(dir, hash) !== 'ok';
    if (wrote) writeEvidenceFile(dir, hash, data);
    try {
      await transaction(ctx.db, async (tx) => {
        if ((await uploadsSince(tx, ctx.actor.userId, at - DAY_MS)) >= EVIDENCE_LIMITS.perUserPerDay) throw tooMany();
        await recordEvidenceUpload(tx, row, ctx.actor.userId, at);
        await writeAudit(tx, ctx, { entity: 'evidence', entityId: hash, action: 'evidence.upload', areaId: ctx.actor.areaId, after: { hash, bytes: row.bytes, width, height } });
      });
    } catch (err) {
      if (wrote && !known) removeEvidenceFile(dir, hash);
      throw err;
    }
    return { hash, width, height, bytes: row.bytes };
  });
}
