import { fetchParsed, type PublicApi } from './api';
import { checkSigned, fetchKey, type VerifiedCheckpoint } from './checkpoint';
import { inBatches } from './crypto';
import { entryHashV3, publicDigest } from './ledgerHash';
import { verifyInclusion } from './merkle';
import { Recorder, Stop, guarded, optionsOf, type Progress, type VerifyOptions, type VerifyReport } from './report';
import { HouseholdProofs } from './schemas';

export interface HouseholdReport extends VerifyReport {
  checkpoint?: VerifiedCheckpoint;
  /** Entries proven in the checkpoint's tree; `pending` are newer than the checkpoint (proven by the next one). */
  proven: number;
  pending: number;
}

/**
 * A household's own entries (GET /api/households/:id/proofs, the household's or staff's session): the
 * checkpoint's signature and county root, each version-3 entry's hash recomputed from its public fields, and
 * its inclusion path up to the village root the checkpoint signs.
 */
export async function verifyHouseholdProofs(api: PublicApi, householdId: number, options?: VerifyOptions | Progress): Promise<HouseholdReport> {
  const o = optionsOf(options);
  const rec = new Recorder();
  let checkpoint: VerifiedCheckpoint | undefined;
  let proven = 0;
  let pending = 0;
  await guarded(rec, async () => {
    const proofs = await fetchParsed(api, `/households/${householdId}/proofs`, HouseholdProofs, 'household proofs');
    const key = await fetchKey(api, rec, o.trustedFingerprint);
    checkpoint = await checkSigned(rec, key, proofs.checkpoint);
    const villageId = proofs.villageId;
    const village = checkpoint.body.villages.find((v) => v.villageId === villageId);
    if (!village) throw new Stop('inclusion', { villageId, what: `the household's village ${villageId} is not in checkpoint #${checkpoint.id}` });
    const name = village.villageName;
    // Pseudonyms change every year: one per year among the household's entries, this year's the one it was told.
    const ofYear = new Map<string, string>([[proofs.year, proofs.pseudonym]]);
    for (const e of proofs.entries) {
      const year = e.occurredOn.slice(0, 4);
      const known = ofYear.get(year);
      if (known === undefined) ofYear.set(year, e.pseudonym);
      else if (known !== e.pseudonym) throw new Stop('inclusion', { villageId, seq: e.seq, what: `${name} seq ${e.seq}: an entry of another household (${e.pseudonym}, not ${known} of ${year})` });
    }
    let done = 0;
    const results = await inBatches(proofs.entries, async (e) => {
      if (e.path === null) return e.seq > village.treeSize ? 'pending' : `${name} seq ${e.seq}: no inclusion proof although the checkpoint covers it`;
      if (e.seq > village.treeSize) return `${name} seq ${e.seq}: a proof for an entry after the checkpoint`;
      if (e.hashVersion === 3) {
        const hash = e.privateDigest ? await entryHashV3(villageId, e.seq, e.prevHash, await publicDigest(e), e.privateDigest) : null;
        if (hash !== e.hash) return `${name} seq ${e.seq}: the hash does not match the entry's public fields`;
      }
      const included = await verifyInclusion(e.hash, e.seq - 1, village.treeSize, e.path, village.root);
      o.onProgress?.(++done, proofs.entries.length);
      return included ? 'proven' : `${name} seq ${e.seq}: the inclusion proof does not lead to the signed root of checkpoint #${checkpoint!.id}`;
    });
    results.forEach((r, i) => {
      if (r === 'proven') proven++;
      else if (r === 'pending') pending++;
      else throw new Stop('inclusion', { villageId, seq: proofs.entries[i].seq, what: r });
    });
    const seqs = proofs.entries.map((e) => e.seq);
    if (seqs.some((s, i) => i > 0 && s <= seqs[i - 1])) throw new Stop('inclusion', { villageId, what: 'entries are not in seq order or repeat' });
    rec.pass('inclusion', `${proven} entries of ${name} proven in checkpoint No. ${checkpoint.seq}${pending ? `, ${pending} newer ones await the next checkpoint` : ''}`);
  });
  return { ...rec.report(), ...(checkpoint ? { checkpoint } : {}), proven, pending };
}
