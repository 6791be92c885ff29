import canonicalize from 'canonicalize';
import { fetchBoth, type PublicApi } from './api';
import { categoryTotals, dayInPeriod, dimensionCategories, periodTotals, reversedInPeriod, starsByScore, starsFor, topThroughTies, withRanks, type BoardEntry } from './boardRules';
import { verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint';
import { hashJson, sha256Hex, utf8 } from './crypto';
import { Recorder, Stop, guarded, optionsOf, type Progress, type VerifyOptions, type VerifyReport } from './report';
import { PublicPublication, type PublicBoard } from './schemas';
import { verifyVillage, type VerifiedVillage } from './village';

export interface BoardReport extends VerifyReport {
  checkpoint?: VerifiedCheckpoint;
  /** What could only be checked, not recomputed (e.g. which households are active). */
  notes: string[];
}

type Row = { row: number; pseudonym?: string };
const mismatch = (row: number, what: string) => new Stop('board figures', { row, what: `row ${row}: ${what}` });

function needPseudonyms(items: Row[]): void {
  const missing = items.find((i) => !i.pseudonym);
  if (missing) throw new Stop('board figures', { row: missing.row, what: 'the board was published before boards carried pseudonyms: its rows cannot be recomputed from the public ledger' });
}

function uniquePseudonyms(items: Array<Row & { pseudonym?: string }>): void {
  const seen = new Set<string>();
  for (const i of items) {
    if (seen.has(i.pseudonym!)) throw mismatch(i.row, `household ${i.pseudonym} is listed twice`);
    seen.add(i.pseudonym!);
  }
}

const numbered = <T>(items: T[]) => items.map((item, i) => ({ ...item, row: i + 1 }));

/** Compares a recomputed ranking (best first, ranks) with the board's rows, row by row. */
function compareRanking(board: Array<Row & { rank: number }>, expected: Array<{ pseudonym: string; value: number; rank: number }>, valueOf: (row: number) => number, label: string): void {
  const want = new Map(expected.map((e) => [e.pseudonym, e]));
  for (const item of board) {
    const e = want.get(item.pseudonym!);
    if (!e) throw mismatch(item.row, `household ${item.pseudonym} should not be on the board (the public ledger does not place it there)`);
    if (valueOf(item.row) !== e.value) throw mismatch(item.row, `${label} ${valueOf(item.row)}, the public ledger gives ${e.value} (household ${item.pseudonym})`);
    if (item.rank !== e.rank) throw mismatch(item.row, `rank ${item.rank}, the public ledger gives rank ${e.rank} (household ${item.pseudonym})`);
    if (item.row > 1 && valueOf(item.row - 1) < valueOf(item.row)) throw mismatch(item.row, 'rows are not in ranking order');
  }
  if (expected.length > board.length) {
    const on = new Set(board.map((b) => b.pseudonym));
    const left = expected.find((e) => !on.has(e.pseudonym))!;
    throw new Stop('board figures', { row: board.length + 1, what: `household ${left.pseudonym} (${label} ${left.value}, rank ${left.rank}) is missing from the board` });
  }
}

function sortedDesc<T>(rows: T[], value: (r: T) => number): T[] {
  return [...rows].sort((a, b) => value(b) - value(a));
}

/**
 * Recomputes a board's figures from the public entries of the villages it covers (each up to the chain head
 * the board names) and compares them row by row. Returns notes on what could only be checked.
 */
export function recomputeBoard(board: PublicBoard, entries: BoardEntry[], villageNames: Map<number, string>): string[] {
  const notes: string[] = [];
  const period = board.period;
  switch (board.kind) {
    case 'red': {
      const items = numbered(board.items);
      needPseudonyms(items);
      uniquePseudonyms(items);
      const totals = periodTotals(entries, period);
      const expected = withRanks(
        sortedDesc(
          [...totals].filter(([, t]) => t.earned > 0).map(([pseudonym, t]) => ({ pseudonym, value: t.earned })),
          (r) => r.value,
        ),
        (r) => r.value,
      );
      compareRanking(items, expected, (row) => items[row - 1].earned, 'points earned');
      const reversed = reversedInPeriod(entries, period);
      const categories = new Set(board.params.categories);
      const deeds = new Map<string, Set<number>>();
      for (const e of entries) {
        if (e.kind !== 'award' || e.ruleId == null || e.category == null || !categories.has(e.category) || !dayInPeriod(e.occurredOn, period) || reversed.has(`${e.villageId}:${e.seq}`)) continue;
        deeds.set(e.pseudonym, (deeds.get(e.pseudonym) ?? new Set()).add(e.ruleId));
      }
      for (const item of items) {
        if (!item.deedRules) continue;
        const want = [...(deeds.get(item.pseudonym!) ?? [])].sort((a, b) => a - b);
        if (want.join(',') !== item.deedRules.join(',')) throw mismatch(item.row, `good deeds under rules [${item.deedRules.join(', ')}], the public ledger gives [${want.join(', ')}]`);
      }
      notes.push('deeds are checked by their rule ids; the rule names shown are the server’s');
      break;
    }
    case 'black': {
      const items = numbered(board.items);
      needPseudonyms(items);
      const reversed = reversedInPeriod(entries, period);
      const bySeq = new Map(entries.map((e) => [`${e.villageId}:${e.seq}`, e]));
      const village = board.area.id;
      const onBoard = new Set<number>();
      if (!board.blackRules) throw new Stop('board figures', { what: 'the black list was published before boards named their black-list rules: it cannot be recomputed' });
      const blackRules = new Set(board.blackRules);
      const notBlack = new Set(board.notBlackSeqs ?? []);
      for (const item of items) {
        if (item.seq == null) throw mismatch(item.row, 'the deduction has no chain seq: it cannot be found in the public ledger');
        const e = bySeq.get(`${village}:${item.seq}`);
        if (!e || e.kind !== 'deduction') throw mismatch(item.row, `seq ${item.seq} is not a deduction in the public ledger`);
        if (e.pseudonym !== item.pseudonym) throw mismatch(item.row, `seq ${item.seq} is a deduction of household ${e.pseudonym}, not ${item.pseudonym}`);
        if (e.conductPoints !== -item.points || e.occurredOn !== item.occurredOn) throw mismatch(item.row, `seq ${item.seq}: ${item.points} points on ${item.occurredOn}, the public ledger gives ${-e.conductPoints} on ${e.occurredOn}`);
        if (!dayInPeriod(e.occurredOn, period)) throw mismatch(item.row, `seq ${item.seq} is dated ${e.occurredOn}, outside ${period}`);
        if (e.ruleId == null || !blackRules.has(e.ruleId) || notBlack.has(e.seq)) throw mismatch(item.row, `seq ${item.seq} is not under one of the board's black-list rules`);
        if (reversed.has(`${village}:${item.seq}`)) throw mismatch(item.row, `seq ${item.seq} was reversed: it should not be on the black list`);
        if (onBoard.has(item.seq)) throw mismatch(item.row, `seq ${item.seq} is listed twice`);
        onBoard.add(item.seq);
      }
      const rectified = new Set(board.rectifiedSeqs ?? []);
      const left = entries.find(
        (e) => e.villageId === village && e.kind === 'deduction' && e.ruleId != null && blackRules.has(e.ruleId) && !notBlack.has(e.seq) && dayInPeriod(e.occurredOn, period) && !reversed.has(`${village}:${e.seq}`) && !onBoard.has(e.seq) && !rectified.has(e.seq),
      );
      if (left) throw new Stop('board figures', { villageId: village, seq: left.seq, row: items.length + 1, what: `the black-list deduction seq ${left.seq} (household ${left.pseudonym}, ${left.occurredOn}) is missing from the board` });
      notes.push(`black-list rules are the board's (rules ${[...blackRules].join(', ') || 'none'}); which rules are black-list rules is not in the public ledger`);
      if (rectified.size) notes.push(`${rectified.size} deduction(s) taken off by an approved rectification (seqs ${[...rectified].join(', ')}); rectifications are not in the public ledger`);
      break;
    }
    case 'stars': {
      const items = numbered(board.items);
      needPseudonyms(items);
      uniquePseudonyms(items);
      const totals = periodTotals(entries, period);
      const dims = board.dimensions.map((d) => ({ label: d.label, categories: dimensionCategories(d.category) }));
      const perCategory = categoryTotals(entries, period, new Set(dims.flatMap((d) => d.categories)));
      for (const item of items) {
        const score = totals.get(item.pseudonym!)?.score ?? 0;
        if (item.score !== score) throw mismatch(item.row, `score ${item.score}, the public ledger gives ${score} (household ${item.pseudonym})`);
        const reached = dims.filter((d) => d.categories.reduce((n, c) => n + (perCategory.get(`${item.pseudonym}:${c}`) ?? 0), 0) >= board.params.dimensionThreshold).map((d) => d.label);
        if (reached.join('|') !== item.dimensions.join('|')) throw mismatch(item.row, `dimensions [${item.dimensions.join('、')}], the public ledger gives [${reached.join('、')}]`);
        const stars = starsFor(board.params.method, starsByScore(score, board.thresholds), reached.length);
        if (item.stars !== stars) throw mismatch(item.row, `${item.stars} stars, the public ledger gives ${stars}`);
      }
      // Ranks only once every row's stars are right, so the row named is the one whose figure is wrong.
      for (const item of items) {
        const rank = 1 + items.filter((i) => i.stars > item.stars).length;
        if (item.rank !== rank) throw mismatch(item.row, `rank ${item.rank}, the stars give rank ${rank}`);
        if (item.row > 1 && items[item.row - 2].stars < item.stars) throw mismatch(item.row, 'rows are not in order of stars');
      }
      const listed = new Set(items.map((i) => i.pseudonym));
      const absent = [...totals.keys()].filter((p) => !listed.has(p)).length;
      notes.push(`the list of active households is the server’s${absent ? ` (${absent} household(s) with points in the ledger are not listed: moved away or inactive)` : ''}`);
      break;
    }
    case 'leaderboard': {
      const items = numbered(board.items);
      needPseudonyms(items);
      uniquePseudonyms(items);
      let ranked: Array<{ pseudonym: string; value: number }>;
      if (board.params.category) {
        const c = board.params.category;
        const sums = categoryTotals(entries, period, new Set([c]));
        ranked = [...sums].filter(([, v]) => v !== 0).map(([k, value]) => ({ pseudonym: k.slice(0, k.lastIndexOf(':')), value }));
      } else {
        ranked = [...periodTotals(entries, period)].map(([pseudonym, t]) => ({ pseudonym, value: t.score }));
      }
      const expected = topThroughTies(sortedDesc(ranked, (r) => r.value), (r) => r.value, board.params.limit);
      compareRanking(items, expected, (row) => items[row - 1].points, board.params.category ? `${board.params.category} points` : 'conduct score');
      const villagesOf = new Map<string, Set<string>>();
      for (const e of entries) villagesOf.set(e.pseudonym, (villagesOf.get(e.pseudonym) ?? new Set()).add(villageNames.get(e.villageId) ?? ''));
      for (const item of items) {
        if (!villagesOf.get(item.pseudonym!)?.has(item.village)) throw mismatch(item.row, `village ${item.village}, but household ${item.pseudonym} has no entries in that village's ledger`);
      }
      break;
    }
    case 'villages': {
      // Active households are not in the public ledger: recompute what follows from the rows themselves and bound the rest.
      const items = numbered(board.items);
      const round3 = (x: number) => Math.round(x * 1000) / 1000;
      const round1 = (x: number) => Math.round(x * 10) / 10;
      const totals = new Map<number, ReturnType<typeof periodTotals>>();
      const byVillage = new Map<number, BoardEntry[]>();
      for (const e of entries) byVillage.set(e.villageId, [...(byVillage.get(e.villageId) ?? []), e]);
      for (const [v, list] of byVillage) totals.set(v, periodTotals(list, period));
      for (const item of items) {
        const earners = [...(totals.get(item.villageId)?.values() ?? [])].filter((t) => t.earned > 0).length;
        if (item.participants > earners) throw mismatch(item.row, `${item.name}: ${item.participants} participants, but only ${earners} households earned points in its public ledger`);
        if (item.participants > item.households) throw mismatch(item.row, `${item.name}: more participants than households`);
        if (item.participationRate !== (item.households ? round3(item.participants / item.households) : 0)) throw mismatch(item.row, `${item.name}: participation rate does not follow from its figures`);
        if (item.pointsPerHousehold !== (item.households ? round1(item.totalPoints / item.households) : 0)) throw mismatch(item.row, `${item.name}: points per household do not follow from its figures`);
      }
      const ranks = withRanks(
        [...items].sort((a, b) => b.participationRate - a.participationRate || b.pointsPerHousehold - a.pointsPerHousehold),
        (i) => `${i.participationRate}|${i.pointsPerHousehold}`,
      );
      for (const r of ranks) if (r.rank !== items[r.row - 1].rank) throw mismatch(r.row, `${r.name}: rank ${items[r.row - 1].rank}, its figures give ${r.rank}`);
      notes.push('village comparison: households, participants and totals count only active households, which the public ledger does not know; participants are bounded by the ledger and rates and ranks recomputed from the rows');
      break;
    }
  }
  return notes;
}

/**
 * Verifies a published board from public data only: its checkpoint (signature, county root), every village
 * it covers (public ledger → hashes → Merkle root), the board's hash and chain heads, and its figures
 * recomputed from the public fields, row by row.
 */
export async function verifyBoard(api: PublicApi, publicationId: number, options?: VerifyOptions | Progress): Promise<BoardReport> {
  const o = optionsOf(options);
  const rec = new Recorder();
  let checkpoint: VerifiedCheckpoint | undefined;
  let notes: string[] = [];
  await guarded(rec, async () => {
    const { raw, data: pub } = await fetchBoth(api, `/public/publications/${publicationId}`, PublicPublication, 'board');
    const board = pub.board;
    const boardHash = await sha256Hex(utf8(`${canonicalize((raw as { board: unknown }).board) ?? ''}\n${pub.publication.chainHash}`));
    rec.expect(boardHash === pub.publication.hash, 'board hash', `the board hashes to its published hash ${pub.publication.hash.slice(0, 16)}…`, { what: 'the board as served does not hash to its published hash' });
    if (pub.publication.checkpointId == null) throw new Stop('checkpoint', { what: 'the board was published before signed checkpoints: it names no checkpoint to verify against' });
    const cp = await verifyCheckpoint(api, pub.publication.checkpointId, undefined, { trustedFingerprint: o.trustedFingerprint });
    rec.absorb(cp);
    if (!cp.checkpoint) return;
    checkpoint = cp.checkpoint;
    const chains = board.chainHead.chains;
    if (!chains) throw new Stop('chain heads', { what: 'the board predates per-village chains: it cannot be recomputed' });
    const heads = [...chains].sort((a, b) => a.villageId - b.villageId);
    const derived = board.area.kind === 'village' ? (heads[0]?.headHash ?? '0'.repeat(64)) : await hashJson(['jifen-area-heads/1', ...heads.map((c) => [c.villageId, c.lastSeq, c.headHash])]);
    rec.expect(derived === board.chainHead.hash && derived === pub.publication.chainHash, 'chain heads', `${heads.length} village chain head(s)`, { what: 'the board’s chain head hash does not follow from the village heads it names' });
    if (board.area.kind === 'village' && heads.some((h) => h.villageId !== board.area.id)) throw new Stop('chain heads', { what: `a board of village ${board.area.id} names another village's chain` });
    const inCheckpoint = new Map(checkpoint.body.villages.map((v) => [v.villageId, v]));
    const own = board.area.kind === 'village' ? inCheckpoint.get(board.area.id) : undefined;
    if (board.area.kind === 'village' && !heads.length && own && own.treeSize > 0) {
      throw new Stop('chain heads', { villageId: own.villageId, what: `${own.villageName}: the board was computed from an empty ledger, its checkpoint signs ${own.treeSize} entries` });
    }
    if (board.area.kind === 'township') notes.push('a township board covers the villages it names; the public ledger does not say which villages a township has');
    if (board.area.kind === 'county') {
      const named = new Set(heads.map((h) => h.villageId));
      const left = checkpoint.body.villages.find((v) => v.treeSize > 0 && !named.has(v.villageId));
      if (left) throw new Stop('chain heads', { villageId: left.villageId, what: `the county board leaves out ${left.villageName} (${left.treeSize} entries in the checkpoint)` });
    }
    const entries: BoardEntry[] = [];
    const names = new Map<number, string>();
    const total = heads.reduce((n, h) => n + 2 * (inCheckpoint.get(h.villageId)?.treeSize ?? 0), 0);
    let before = 0;
    for (const h of heads) {
      const v = inCheckpoint.get(h.villageId);
      if (!v) throw new Stop('chain heads', { villageId: h.villageId, what: `village ${h.villageId} of the board is not in checkpoint #${checkpoint.id}` });
      if (v.treeSize !== h.lastSeq) throw new Stop('chain heads', { villageId: h.villageId, what: `${v.villageName}: the board was computed at ${h.lastSeq} entries, its checkpoint signs ${v.treeSize}` });
      const vr = await verifyVillage(api, h.villageId, checkpoint, { onProgress: (d) => o.onProgress?.(before + d, total) });
      rec.absorb(vr);
      if (!vr.village) return;
      before += 2 * v.treeSize;
      const village: VerifiedVillage = vr.village;
      const head = village.entries[h.lastSeq - 1];
      if (!head || head.hash !== h.headHash) throw new Stop('chain heads', { villageId: h.villageId, seq: h.lastSeq, what: `${v.villageName}: the board's chain head is not entry ${h.lastSeq} of the public ledger` });
      names.set(h.villageId, v.villageName);
      if (village.legacy) notes.push(`${v.villageName}: ${village.legacy} legacy entries (written before public proofs) are counted as served`);
      for (const e of village.entries) entries.push({ ...e, villageId: h.villageId });
    }
    notes = [...notes, ...recomputeBoard(board, entries, names)];
    rec.pass('board figures', `${board.items.length} rows recomputed from ${entries.length} public ledger entries`);
  });
  return { ...rec.report(), ...(checkpoint ? { checkpoint } : {}), notes };
}
