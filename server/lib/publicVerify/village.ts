import { fetchParsed, type PublicApi } from './api';
import type { VerifiedCheckpoint } from './checkpoint';
import { inBatches } from './crypto';
import { entryHashV3, publicDigest } from './ledgerHash';
import { ledgerRoot } from './merkle';
import { Recorder, Stop, guarded, optionsOf, type Progress, type VerifyOptions, type VerifyReport } from './report';
import { LedgerPage, type PublicEntry } from './schemas';

export interface VerifiedVillage {
  villageId: number;
  villageName: string;
  treeSize: number;
  /** Entries 1 … treeSize, each checked. */
  entries: PublicEntry[];
  /** Leading entries of hash version 1/2: linked and in the Merkle tree, but their public fields are not bound by the hash. */
  legacy: number;
}

export interface VillageReport extends VerifyReport {
  village?: VerifiedVillage;
}

const PAGE = 1000;

/** The village's public ledger from seq 1 to `treeSize`, page by page, each page validated and in seq order. */
async function fetchLedger(api: PublicApi, villageId: number, treeSize: number, progress: (n: number) => void): Promise<{ entries: PublicEntry[]; genesisHash: string; villageName: string }> {
  const entries: PublicEntry[] = [];
  let genesisHash = '';
  let villageName = '';
  let from = 1;
  do {
    const to = Math.min(treeSize, from + PAGE - 1);
    const page = await fetchParsed(api, `/public/villages/${villageId}/ledger?from=${from}&to=${to}`, LedgerPage, 'public ledger', { villageId });
    if (page.villageId !== villageId) throw new Stop('public ledger', { villageId, what: `asked for village ${villageId}, got the ledger of village ${page.villageId}` });
    if (page.treeSize < treeSize) throw new Stop('ledger only grows', { villageId, seq: page.treeSize + 1, what: `the checkpoint has ${treeSize} entries but the ledger now has ${page.treeSize}: entries were removed` });
    genesisHash ||= page.genesisHash;
    villageName ||= page.villageName;
    if (page.genesisHash !== genesisHash) throw new Stop('public ledger', { villageId, what: 'the genesis hash changed between pages' });
    for (const e of page.entries) {
      if (e.seq > to) break;
      const want = entries.length + 1;
      if (e.seq !== want) throw new Stop('seq continuity', { villageId, seq: want, what: e.seq > want ? `entry ${want} is missing (the ledger jumps to ${e.seq})` : `entry ${e.seq} is served twice or out of order` });
      entries.push(e);
    }
    if (entries.length < to) throw new Stop('seq continuity', { villageId, seq: entries.length + 1, what: `entry ${entries.length + 1} is missing from the public ledger` });
    progress(entries.length);
    from = to + 1;
  } while (from <= treeSize);
  return { entries, genesisHash, villageName };
}

/**
 * Checks one village against a verified checkpoint: fetches its public ledger up to the checkpoint's tree
 * size, recomputes every version-3 entry's public digest and hash, checks prevHash links and seq continuity,
 * and recomputes the Merkle root. Version 1/2 entries (written before public proofs) can only be checked for
 * links and Merkle inclusion: they are reported as legacy, and must all come before the first version-3 one.
 */
export async function verifyVillage(api: PublicApi, villageId: number, checkpoint: VerifiedCheckpoint, options?: VerifyOptions | Progress): Promise<VillageReport> {
  const o = optionsOf(options);
  const rec = new Recorder();
  let village: VerifiedVillage | undefined;
  await guarded(rec, async () => {
    const head = checkpoint.body.villages.find((v) => v.villageId === villageId);
    if (!head) throw new Stop('village in checkpoint', { villageId, what: `village ${villageId} is not in checkpoint #${checkpoint.id} of ${checkpoint.body.countyName}` });
    const name = head.villageName;
    const total = head.treeSize * 2;
    const { entries, genesisHash } = head.treeSize ? await fetchLedger(api, villageId, head.treeSize, (n) => o.onProgress?.(n, total)) : { entries: [], genesisHash: '' };
    let legacy = 0;
    for (const e of entries) {
      if (e.hashVersion === 3) break;
      legacy++;
    }
    const late = entries.slice(legacy).find((e) => e.hashVersion !== 3);
    if (late) throw new Stop('hash versions', { villageId, seq: late.seq, what: `${name} seq ${late.seq} claims hash version ${late.hashVersion} after version-3 entries: its public fields would go unchecked` });
    const computed = await inBatches(
      entries,
      async (e) => {
        if (e.hashVersion !== 3) return e.hash;
        if (!e.privateDigest) return null;
        return entryHashV3(villageId, e.seq, e.prevHash, await publicDigest(e), e.privateDigest);
      },
      4096,
      (n) => o.onProgress?.(head.treeSize + n, total),
    );
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const prev = i === 0 ? genesisHash : entries[i - 1].hash;
      if (e.prevHash !== prev) throw new Stop('hash chain', { villageId, seq: e.seq, what: `${name} seq ${e.seq}: prevHash does not match the hash of ${i === 0 ? 'the genesis' : `seq ${e.seq - 1}`} (an entry was changed, removed or re-hashed)` });
      if (computed[i] !== e.hash) {
        throw new Stop('entry hash', {
          villageId,
          seq: e.seq,
          what: computed[i] === null ? `${name} seq ${e.seq}: version-3 entry without a private digest` : `${name} seq ${e.seq}: the hash does not match the entry's public fields (the entry was changed)`,
        });
      }
    }
    rec.pass('entries', `${name}: ${entries.length} entries linked${legacy ? `, ${legacy} legacy (version 1/2: linked and in the tree, public fields not bound)` : ''}, ${entries.length - legacy} recomputed from their public fields`);
    const root = await ledgerRoot(entries.map((e) => e.hash));
    rec.expect(root === head.root, 'merkle root', `${name}: Merkle root of ${head.treeSize} entries matches checkpoint #${checkpoint.id}`, {
      villageId,
      what: `${name}: the Merkle root of the public ledger's ${head.treeSize} entries is not the signed root of checkpoint #${checkpoint.id} (history was rewritten)`,
    });
    village = { villageId, villageName: name, treeSize: head.treeSize, entries, legacy };
  });
  return { ...rec.report(), ...(village ? { village } : {}) };
}
