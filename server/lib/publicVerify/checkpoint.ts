import canonicalize from 'canonicalize';
import { fetchParsed, type PublicApi } from './api';
import { base64ToBytes, ed25519Verify, fingerprintDisplay, sha256Hex, utf8 } from './crypto';
import { countyRoot } from './merkle';
import { Recorder, Stop, guarded, optionsOf, type Progress, type VerifyOptions, type VerifyReport } from './report';
import { CheckpointBody, CheckpointKey, SignedCheckpoint, parseProblem } from './schemas';

/** A checkpoint whose signature, hash and county root were checked. */
export interface VerifiedCheckpoint {
  id: number;
  countyId: number;
  seq: number;
  hash: string;
  signature: string;
  body: CheckpointBody;
}

export interface CheckpointReport extends VerifyReport {
  checkpoint?: VerifiedCheckpoint;
  key?: CheckpointKey;
}

/** The server's checkpoint key, its fingerprint recomputed (and compared with a trusted one when given). */
export async function fetchKey(api: PublicApi, rec: Recorder, trustedFingerprint?: string): Promise<CheckpointKey> {
  const key = await fetchParsed(api, '/public/checkpoint-key', CheckpointKey, 'checkpoint key');
  const raw = base64ToBytes(key.publicKey);
  const fingerprint = raw && raw.length === 32 ? await sha256Hex(raw) : null;
  rec.expect(fingerprint === key.fingerprint, 'checkpoint key', `Ed25519 key ${fingerprintDisplay(key.fingerprint)}`, {
    what: 'the served checkpoint key does not match its own fingerprint',
  });
  if (trustedFingerprint) {
    const want = trustedFingerprint.toLowerCase().replace(/\s+/g, '');
    rec.expect(
      key.fingerprint.startsWith(want) && want.length >= 32,
      'trusted key',
      'the key is the one you trust',
      { what: `the server signs with key ${fingerprintDisplay(key.fingerprint)}, not the trusted ${fingerprintDisplay(want.padEnd(32, '0'))}` },
    );
  }
  return key;
}

/**
 * Checks one served checkpoint against a key: the body parses, its canonical bytes hash to `hash` and carry
 * a valid Ed25519 signature by that key, it names that key, and its county root is recomputed from its villages.
 */
export async function checkSigned(rec: Recorder, key: CheckpointKey, served: SignedCheckpoint): Promise<VerifiedCheckpoint> {
  const parsed = CheckpointBody.safeParse(served.body);
  if (!parsed.success) throw new Stop('checkpoint body', { what: `checkpoint #${served.id}: unexpected body (${parseProblem(parsed.error)})` });
  const body = parsed.data;
  const canonical = canonicalize(served.body);
  if (canonical === undefined) throw new Stop('checkpoint body', { what: `checkpoint #${served.id}: body cannot be canonicalized` });
  const bytes = utf8(canonical);
  const signature = base64ToBytes(served.signature);
  const keyRaw = base64ToBytes(key.publicKey);
  const signed = !!signature && !!keyRaw && (await ed25519Verify(keyRaw, signature, bytes));
  rec.expect(signed, 'signature', `checkpoint #${served.id} (county ${body.countyName}, No. ${body.seq}) is signed by key ${fingerprintDisplay(key.fingerprint)}`, {
    what: `checkpoint #${served.id}: the signature does not verify with the server's key ${fingerprintDisplay(key.fingerprint)}`,
  });
  rec.expect(body.keyFingerprint === key.fingerprint, 'key named', 'the checkpoint names that key', { what: `checkpoint #${served.id} names key ${fingerprintDisplay(body.keyFingerprint)}, not the served key` });
  const hash = await sha256Hex(bytes);
  rec.expect(hash === served.hash && body.seq === served.seq && body.countyId === served.countyId, 'checkpoint hash', `hash ${hash.slice(0, 16)}…`, {
    what: `checkpoint #${served.id}: the served hash, seq or county does not match its signed body`,
  });
  const ids = body.villages.map((v) => v.villageId);
  rec.expect(
    ids.every((id, i) => i === 0 || id > ids[i - 1]),
    'village list',
    `${ids.length} villages`,
    { what: `checkpoint #${served.id}: its villages are not listed once each in ascending id order` },
  );
  const root = await countyRoot(body.villages);
  rec.expect(root === body.countyRoot, 'county root', `county root recomputed from ${ids.length} village roots`, { what: `checkpoint #${served.id}: the county root does not match its villages' roots` });
  return { id: served.id, countyId: served.countyId, seq: served.seq, hash: served.hash, signature: served.signature, body };
}

/** Fetches one checkpoint ('latest' of a county, or by id) and its key, and checks it (see checkSigned). */
export async function verifyCheckpoint(api: PublicApi, id: number | 'latest', countyId?: number, options?: VerifyOptions | Progress): Promise<CheckpointReport> {
  const o = optionsOf(options);
  const rec = new Recorder();
  let checkpoint: VerifiedCheckpoint | undefined;
  let key: CheckpointKey | undefined;
  await guarded(rec, async () => {
    key = await fetchKey(api, rec, o.trustedFingerprint);
    o.onProgress?.(1, 3);
    const path = id === 'latest' ? `/public/checkpoints/latest${countyId ? `?countyId=${countyId}` : ''}` : `/public/checkpoints/${id}`;
    const served = await fetchParsed(api, path, SignedCheckpoint, 'checkpoint');
    o.onProgress?.(2, 3);
    if (countyId && served.countyId !== countyId) throw new Stop('checkpoint', { what: `asked for county ${countyId}, got a checkpoint of county ${served.countyId}` });
    if (id !== 'latest' && served.id !== id) throw new Stop('checkpoint', { what: `asked for checkpoint #${id}, got #${served.id}` });
    checkpoint = await checkSigned(rec, key, served);
    o.onProgress?.(3, 3);
  });
  return { ...rec.report(), ...(checkpoint ? { checkpoint } : {}), ...(key ? { key } : {}) };
}
