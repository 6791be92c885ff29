/**
 * Hashing, encodings and Ed25519 for the public verifier, on WebCrypto only (`globalThis.crypto.subtle`),
 * so the same code runs in the browser and in Node 20+. Nothing here may import node: modules.
 */

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available: use a current browser over HTTPS or Node 20+');
  return s;
};

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

const HEX = /^[0-9a-f]*$/;

export function isHex(s: string, bytes?: number): boolean {
  return HEX.test(s) && s.length % 2 === 0 && (bytes === undefined || s.length === bytes * 2);
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!isHex(hex)) throw new Error(`not lowercase hex: ${hex.slice(0, 16)}…`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX_OF = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX_OF[b];
  return s;
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SHA-256 of raw bytes, as lowercase hex. */
export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return bytesToHex(new Uint8Array(await subtle().digest('SHA-256', data)));
}

/** SHA-256 of raw bytes. */
export async function sha256Bytes(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

/** H(J(x)): SHA-256 (hex) of JSON.stringify(x) as UTF-8 — the ledger's field encoding. */
export async function hashJson(fields: unknown[]): Promise<string> {
  return sha256Hex(utf8(JSON.stringify(fields)));
}

/**
 * Runs `work` over `items` in batches of `size` (each batch concurrently), reporting progress. WebCrypto is
 * asynchronous per call; batching keeps many digests in flight without one promise per entry of a huge ledger.
 */
export async function inBatches<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>, size = 4096, onBatch?: (done: number) => void): Promise<R[]> {
  const out: R[] = new Array(items.length);
  for (let start = 0; start < items.length; start += size) {
    const end = Math.min(start + size, items.length);
    const batch: Promise<R>[] = [];
    for (let i = start; i < end; i++) batch.push(work(items[i], i));
    const done = await Promise.all(batch);
    for (let i = 0; i < done.length; i++) out[start + i] = done[i];
    onBatch?.(end);
  }
  return out;
}

/** Ed25519 signature check over `message` with a raw 32-byte public key; false (never a throw) on any malformed input. */
export async function ed25519Verify(publicKeyRaw: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (publicKeyRaw.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await subtle().importKey('raw', publicKeyRaw, { name: 'Ed25519' }, false, ['verify']);
    return await subtle().verify({ name: 'Ed25519' }, key, signature, message);
  } catch {
    return false;
  }
}

/** "3F2A 91C0 …": the first 32 hex digits of a fingerprint in 8 groups of 4, upper case (as printed on posters). */
export function fingerprintDisplay(fingerprint: string): string {
  return (fingerprint.slice(0, 32).toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}
