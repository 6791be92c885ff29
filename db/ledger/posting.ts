import { hash as digest, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { isValidText } from '../../server/lib/text';
import type { Db, SqliteDb } from '../client';
import type { LedgerKind } from '../schema/ledger';
import { inTransaction, sqlOf, type SqlParam } from '../sql';
import { lockVillageChain as lockVillageChainRow } from '../pg/locks';
import { periodsOfDay } from '../time';
import type { Tx } from '../transaction';
import { pseudonymMemo, pseudonymYear } from './pseudonym';
import { moveLedgerTotals, moveLedgerTotalsSync } from './totals';

/** What the first entry of a chain links to on a database that never had the old single chain. */
export const GENESIS_HASH = '0'.repeat(64);
/** The hash version new entries are written with. */
export const HASH_VERSION = 3;
const HASH_TAG = 'jifen-ledger/2';
const PUBLIC_TAG = 'jifen-public/3';
const PRIVATE_TAG = 'jifen-private/3';
const HASH_TAG_V3 = 'jifen-ledger/3';

export interface NewLedgerEntry {
  householdId: number;
  villageId: number;
  kind: LedgerKind;
  points: number;
  conductPoints: number;
  occurredOn: string;
  ruleId?: number | null;
  category?: string | null;
  awardId?: number | null;
  redemptionId?: number | null;
  reversesId?: number | null;
  note?: string | null;
  createdBy?: number | null;
  createdAt: number;
  /**
   * The sha256 names of the award's photos (award_evidence). Not a column: the hash covers them, so a
   * photo swapped or dropped after posting breaks the chain. Verification reads them back by award id.
   */
  evidence?: readonly string[] | null;
}

export interface LedgerRow extends Required<Omit<NewLedgerEntry, 'evidence'>> {
  id: number;
  balanceAfter: number;
  /** Version 3: 32 lowercase hex (16 random bytes) blinding the private fields; null before. */
  salt: string | null;
  /** Version 3: the digest of the private fields (`privateDigestOf`); null before. */
  privateDigest: string | null;
  /**
   * Whether the public ledger shows `ruleId` (see `rulePublicOf`): false on a deduction whose rule was not
   * a black-list rule when it was posted, and on a reversal of such a deduction.
   */
  rulePublic: boolean;
  /** The village chain the entry belongs to (its village id); null on entries of the old single chain. */
  chainId: number | null;
  /** 1, 2, 3 … within the chain; null on entries of the old single chain. */
  seq: number | null;
  hashVersion: number;
  prevHash: string;
  hash: string;
}

/** The columns every hash version covers (`rulePublic` only version 3; absent means true). */
export type LedgerContent = Omit<LedgerRow, 'id' | 'chainId' | 'seq' | 'hashVersion' | 'hash' | 'salt' | 'privateDigest' | 'rulePublic'> & {
  evidence?: readonly string[] | null;
  rulePublic?: boolean;
};

/** SHA-256 of the UTF-8 bytes of JSON.stringify(fields), lowercase hex (one-shot: several hashes per entry). */
function sha256(fields: unknown[]): string {
  return digest('sha256', JSON.stringify(fields), 'hex');
}

/**
 * What a version 3 entry shows the public: enough to recompute boards, nothing that names anyone.
 * `ruleId` is null where the entry's rule is not public (`rulePublicOf`); `reversesSeq` is the reversed
 * entry's seq in the same village chain (null otherwise, and for a reversed version 1 entry, which has no
 * seq); `pseudonym` is the household's pseudonym of the entry's year (`yearlyPseudonym`).
 */
export interface PublicFields {
  seq: number;
  kind: LedgerKind;
  points: number;
  conductPoints: number;
  category: string | null;
  ruleId: number | null;
  occurredOn: string;
  reversesSeq: number | null;
  pseudonym: string;
}

/** What a version 3 entry commits to without showing it, blinded by its random salt. */
export interface PrivateFields {
  salt: string;
  householdId: number;
  villageId: number;
  /** The entry's rule, also where the public part hides it. */
  ruleId: number | null;
  balanceAfter: number;
  awardId: number | null;
  redemptionId: number | null;
  reversesId: number | null;
  note: string | null;
  createdBy: number | null;
  createdAt: number;
  /** The award's photo hashes in any order (sorted here); null or empty when none. */
  evidence: readonly string[] | null;
}

/** SHA-256 of J(['jifen-public/3', seq, kind, points, conductPoints, category, ruleId, occurredOn, reversesSeq, pseudonym]). */
export function publicDigestOf(f: PublicFields): string {
  return sha256([PUBLIC_TAG, f.seq, f.kind, f.points, f.conductPoints, f.category ?? null, f.ruleId ?? null, f.occurredOn, f.reversesSeq ?? null, f.pseudonym]);
}

/** SHA-256 of J(['jifen-private/3', salt, householdId, villageId, ruleId, balanceAfter, awardId, redemptionId, reversesId, note, createdBy, createdAt, sorted evidence]). */
export function privateDigestOf(f: PrivateFields): string {
  return sha256([
    PRIVATE_TAG, f.salt, f.householdId, f.villageId, f.ruleId ?? null, f.balanceAfter, f.awardId ?? null, f.redemptionId ?? null, f.reversesId ?? null,
    f.note ?? null, f.createdBy ?? null, f.createdAt, f.evidence ? [...f.evidence].sort() : [],
  ]);
}

/** Version 3 entry hash: SHA-256 of J(['jifen-ledger/3', chainId, seq, prevHash, publicDigest, privateDigest]). */
export function entryHashV3(chainId: number, seq: number, prevHash: string, publicDigest: string, privateDigest: string): string {
  return sha256([HASH_TAG_V3, chainId, seq, prevHash, publicDigest, privateDigest]);
}

/** What a version 3 hash needs beyond the row's own columns: the entry's yearly pseudonym and reversal link. */
export interface EntryLinks {
  pseudonym: string;
  reversesSeq: number | null;
}

/** The rule id the public part of a row shows: its own, unless `rulePublic` is false (or 0, as a raw SQLite row holds it). */
export function publicRuleId(row: { ruleId?: number | null; rulePublic?: boolean | number }): number | null {
  return row.rulePublic === undefined || row.rulePublic ? (row.ruleId ?? null) : null;
}

/** A version 3 row's two digests and its hash, from its columns, its salt and `links`. */
export function sealedLedgerHash(
  row: LedgerContent & { chainId: number; seq: number; salt: string },
  links: EntryLinks,
): { publicDigest: string; privateDigest: string; hash: string } {
  const publicDigest = publicDigestOf({
    seq: row.seq, kind: row.kind, points: row.points, conductPoints: row.conductPoints, category: row.category ?? null, ruleId: publicRuleId(row),
    occurredOn: row.occurredOn, reversesSeq: links.reversesSeq, pseudonym: links.pseudonym,
  });
  const privateDigest = privateDigestOf({
    salt: row.salt, householdId: row.householdId, villageId: row.villageId, ruleId: row.ruleId ?? null, balanceAfter: row.balanceAfter, awardId: row.awardId ?? null,
    redemptionId: row.redemptionId ?? null, reversesId: row.reversesId ?? null, note: row.note ?? null, createdBy: row.createdBy ?? null,
    createdAt: row.createdAt, evidence: row.evidence ?? null,
  });
  return { publicDigest, privateDigest, hash: entryHashV3(row.chainId, row.seq, row.prevHash, publicDigest, privateDigest) };
}

// Salts are drawn from a pooled buffer: one randomBytes call per 256 entries keeps bulk loads fast.
const SALT_BYTES = 16;
let saltPool = Buffer.alloc(0);
let saltAt = 0;

/** A fresh random salt: 16 bytes from the CSPRNG as 32 lowercase hex. */
export function newSalt(): string {
  if (saltAt + SALT_BYTES > saltPool.length) {
    saltPool = randomBytes(SALT_BYTES * 256);
    saltAt = 0;
  }
  const salt = saltPool.toString('hex', saltAt, saltAt + SALT_BYTES);
  // Each salt is used once: wipe it from the pool so a later read of the buffer cannot recover it.
  saltPool.fill(0, saltAt, saltAt + SALT_BYTES);
  saltAt += SALT_BYTES;
  return salt;
}

/**
 * Version 1, the old single chain ordered by id: every column but the hash, JSON-encoded so no value
 * can imitate a separator. Entries written before per-village chains keep verifying with it.
 */
export function legacyLedgerHash(row: LedgerContent & { id: number }): string {
  return sha256([
    row.id, row.householdId, row.villageId, row.kind, row.points, row.balanceAfter, row.conductPoints, row.occurredOn,
    row.ruleId ?? null, row.category ?? null, row.awardId ?? null, row.redemptionId ?? null, row.reversesId ?? null,
    row.note ?? null, row.createdBy ?? null, row.createdAt, row.prevHash,
  ]);
}

/**
 * Version 2, one chain per village: a version tag, the chain and the sequence number, then every
 * column as in version 1 but the global id, then the previous hash, then — only when the entry has
 * photos — their hashes sorted (one more array element, so no entry without photos can collide with
 * one that has them). Changing this breaks every chain.
 */
export function chainedLedgerHash(row: LedgerContent & { chainId: number; seq: number }): string {
  const evidence = row.evidence?.length ? [[...row.evidence].sort()] : [];
  return sha256([
    HASH_TAG, row.chainId, row.seq, row.householdId, row.villageId, row.kind, row.points, row.balanceAfter, row.conductPoints,
    row.occurredOn, row.ruleId ?? null, row.category ?? null, row.awardId ?? null, row.redemptionId ?? null,
    row.reversesId ?? null, row.note ?? null, row.createdBy ?? null, row.createdAt, row.prevHash, ...evidence,
  ]);
}

/**
 * The hash a stored row should carry, by its own hash version. Version 3 also needs the row's salt,
 * its household's pseudonym of the entry's year and the seq of the entry it reverses (same village chain, else null).
 */
export function ledgerHash(
  row: LedgerContent & { id: number; chainId: number | null; seq: number | null; hashVersion: number; salt?: string | null; pseudonym?: string | null; reversesSeq?: number | null },
): string {
  if (row.hashVersion === 1) return legacyLedgerHash(row);
  if (row.hashVersion !== 2 && row.hashVersion !== 3) throw new Error(`ledger entry ${row.id}: unknown hash version ${row.hashVersion}`);
  if (row.chainId == null || row.seq == null) throw new Error(`ledger entry ${row.id}: version ${row.hashVersion} needs a chain id and a seq`);
  if (row.hashVersion === 2) return chainedLedgerHash({ ...row, chainId: row.chainId, seq: row.seq });
  if (row.salt == null || row.pseudonym == null) throw new Error(`ledger entry ${row.id}: version 3 needs its salt and its household's pseudonym of the year`);
  return sealedLedgerHash({ ...row, chainId: row.chainId, seq: row.seq, salt: row.salt }, { pseudonym: row.pseudonym, reversesSeq: row.reversesSeq ?? null }).hash;
}

/**
 * The hash covers the JavaScript string, but SQLite stores its UTF-8 bytes: a lone surrogate would be
 * stored as U+FFFD and the row could never be verified again. Input validation rejects such text long
 * before this point, so reaching it is a programming error.
 */
function assertStorableText(e: NewLedgerEntry): void {
  for (const [field, value] of [['kind', e.kind], ['occurredOn', e.occurredOn], ['category', e.category], ['note', e.note]] as const) {
    if (typeof value === 'string' && !isValidText(value)) {
      throw new Error(`programming error: ledger entry ${field} is not valid Unicode text (lone surrogate or non-character); validate input before posting`);
    }
  }
}

export type ScoreBucket = 'earned' | 'deducted';
const KIND_BUCKET: Partial<Record<LedgerKind, ScoreBucket>> = { award: 'earned', deduction: 'deducted' };

/**
 * Which conduct-score total an entry moves: awards earn, deductions deduct, a reversal counts against
 * the bucket of the entry it reverses, anything else by its sign. The one owner of this rule.
 */
export function scoreBucket(kind: LedgerKind, conductPoints: number, reversedKind: LedgerKind | undefined): ScoreBucket | null {
  if (conductPoints === 0) return null;
  const own = KIND_BUCKET[kind];
  if (own) return own;
  const original = kind === 'reversal' && reversedKind ? KIND_BUCKET[reversedKind] : undefined;
  if (original) return original;
  return conductPoints > 0 ? 'earned' : 'deducted';
}

/** `scoreBucket` as an SQL expression over an entry row `e` and the row `o` it reverses (LEFT JOINed). */
export function scoreBucketSql(e: string, o: string): string {
  const kinds = Object.entries(KIND_BUCKET) as [LedgerKind, ScoreBucket][];
  return `CASE WHEN ${e}.conduct_points = 0 THEN NULL
  ${kinds.map(([k, b]) => `WHEN ${e}.kind = '${k}' THEN '${b}'`).join('\n  ')}
  ${kinds.map(([k, b]) => `WHEN ${e}.kind = 'reversal' AND ${o}.kind = '${k}' THEN '${b}'`).join('\n  ')}
  WHEN ${e}.conduct_points > 0 THEN 'earned' ELSE 'deducted' END`;
}

/** A village's chain as its row holds it: the last seq and hash, and what seq 1 links to. */
export interface VillageChain {
  villageId: number;
  lastSeq: number;
  headHash: string;
  genesisHash: string;
}

/** What posting reads beside the entry itself (see `postingContext`). */
export interface PostingContext {
  /** The household's secret pseudonym seed (households.pseudonym_seed). */
  pseudonymSeed: string;
  /** The entry this one reverses, if any. */
  reversed: ReversedEntry | undefined;
  /** A deduction with a rule: whether that rule is a black-list rule at posting (`ruleBlackListed`); else unused. */
  ruleBlackListed: boolean;
}

/**
 * Whether the public ledger may show an entry's rule. The published black list names a black-list
 * deduction's rule anyway; any other deduction's rule (a private misdeed the boards never name) stays out
 * of the public part, and so does the rule of a reversal of such a deduction. Awards' rules are public (the
 * red list names them). The one owner of this rule.
 */
export function rulePublicOf(kind: LedgerKind, ruleId: number | null | undefined, context: Pick<PostingContext, 'reversed' | 'ruleBlackListed'>): boolean {
  if (ruleId == null) return true;
  if (kind === 'deduction') return context.ruleBlackListed;
  if (kind === 'reversal' && context.reversed?.kind === 'deduction') return context.reversed.rulePublic;
  return true;
}

// A household posts many entries a year: one derivation each (bulk loads write millions of entries).
const pseudonymOf = pseudonymMemo();

/**
 * The next entry of `chain`: outgoing points limited to what the household holds (积分扣完为止; the
 * conduct score still takes the full value), salted, linked and hashed (version 3); `chain` advances in
 * memory. `context` gives the household's pseudonym seed (the entry carries the pseudonym of its
 * occurredOn's year), the reversed entry (its seq, see `reversalLink`) and whether a deduction's rule is a
 * black-list rule (`rulePublicOf`). Touches no database: the caller stores the row and, before its
 * transaction ends, the chain (`saveVillageChain`). A redemption that would overdraw throws: the caller
 * must have checked it.
 */
export function chainEntry(chain: VillageChain, balanceBefore: number, entry: NewLedgerEntry, context: PostingContext): Omit<LedgerRow, 'id'> {
  if (entry.villageId !== chain.villageId) throw new Error(`entry of village ${entry.villageId} on the chain of village ${chain.villageId}`);
  assertStorableText(entry);
  let points = entry.points;
  if (points < 0 && balanceBefore + points < 0) {
    if (entry.kind === 'redemption') throw new Error('redemption would overdraw the balance');
    points = -balanceBefore;
  }
  const content: LedgerContent = {
    householdId: entry.householdId,
    villageId: entry.villageId,
    kind: entry.kind,
    points,
    balanceAfter: balanceBefore + points,
    conductPoints: entry.conductPoints,
    occurredOn: entry.occurredOn,
    ruleId: entry.ruleId ?? null,
    category: entry.category ?? null,
    awardId: entry.awardId ?? null,
    redemptionId: entry.redemptionId ?? null,
    reversesId: entry.reversesId ?? null,
    note: entry.note ?? null,
    createdBy: entry.createdBy ?? null,
    createdAt: entry.createdAt,
    prevHash: chain.headHash,
    evidence: entry.evidence ?? null,
  };
  // Throws on a household without a seed (a database not migrated) and on a malformed day.
  const pseudonym = pseudonymOf(context.pseudonymSeed, pseudonymYear(entry.occurredOn));
  const rulePublic = rulePublicOf(entry.kind, content.ruleId, context);
  const seq = chain.lastSeq + 1;
  const salt = newSalt();
  const links = { pseudonym, reversesSeq: reversalLink(chain.villageId, context.reversed) };
  const { privateDigest, hash } = sealedLedgerHash({ ...content, rulePublic, chainId: chain.villageId, seq, salt }, links);
  chain.lastSeq = seq;
  chain.headHash = hash;
  return { ...content, rulePublic, chainId: chain.villageId, seq, hashVersion: HASH_VERSION, hash, salt, privateDigest };
}

/**
 * The seq a reversal's public part names: that of the reversed entry when it is in the same village
 * chain, else null (an entry of another village, or of the old single chain, which has no seq).
 */
export function reversalLink(chainId: number, reversed: { chainId: number | null; seq: number | null } | undefined): number | null {
  return reversed && reversed.chainId === chainId && reversed.seq != null ? reversed.seq : null;
}

/** Column order of `pushLedgerValues`, for single and multi-row INSERTs alike. */
export const LEDGER_COLUMNS = [
  'household_id', 'village_id', 'kind', 'points', 'balance_after', 'conduct_points', 'occurred_on', 'rule_id', 'category',
  'award_id', 'redemption_id', 'reverses_id', 'note', 'created_by', 'created_at', 'prev_hash', 'hash', 'chain_id', 'seq', 'hash_version',
  'salt', 'private_digest', 'rule_public',
] as const;

/** Appends a row's values in `LEDGER_COLUMNS` order to `out` (no array per row on the bulk path). */
export function pushLedgerValues(out: unknown[], r: Omit<LedgerRow, 'id'>): void {
  out.push(
    r.householdId, r.villageId, r.kind, r.points, r.balanceAfter, r.conductPoints, r.occurredOn, r.ruleId, r.category,
    r.awardId, r.redemptionId, r.reversesId, r.note, r.createdBy, r.createdAt, r.prevHash, r.hash, r.chainId, r.seq, r.hashVersion,
    r.salt, r.privateDigest, r.rulePublic ? 1 : 0,
  );
}

// One text per statement, run by the synchronous SQLite bulk path (prepared once per connection) and by the
// async path through the neutral `Sql` handle on either engine.
const SQL = {
  chain: 'SELECT village_id AS "villageId", last_seq AS "lastSeq", head_hash AS "headHash", genesis_hash AS "genesisHash" FROM ledger_chains WHERE village_id = ?',
  anyGenesis: 'SELECT genesis_hash AS "genesisHash" FROM ledger_chains LIMIT 1',
  newChain: 'INSERT INTO ledger_chains (village_id, last_seq, head_hash, genesis_hash) VALUES (?, 0, ?, ?) ON CONFLICT (village_id) DO NOTHING',
  saveChain: 'UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = ?',
  balance: 'SELECT balance, pseudonym_seed AS "pseudonymSeed" FROM households WHERE id = ?',
  // As the black list decides: the rule version the award was made under, else the rule itself.
  ruleBlack: `SELECT COALESCE((SELECT v.black_list FROM awards a JOIN rule_versions v ON v.id = a.rule_version_id WHERE a.id = ?),
                              (SELECT black_list FROM rules WHERE id = ?), FALSE) AS black`,
  setBalance: 'UPDATE households SET balance = ?, updated_at = ? WHERE id = ?',
  reversed: 'SELECT kind, chain_id AS "chainId", seq, rule_public AS "rulePublic" FROM ledger_entries WHERE id = ?',
  insert: `INSERT INTO ledger_entries (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')})`,
  villageAncestry: 'SELECT path FROM areas WHERE id = ?',
  upsertScore: `INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score, earned, deducted)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (household_id, period) DO UPDATE SET
       score = household_period_scores.score + excluded.score, earned = household_period_scores.earned + excluded.earned,
       deducted = household_period_scores.deducted + excluded.deducted`,
  latest: 'SELECT id AS "lastEntryId", hash FROM ledger_entries ORDER BY id DESC LIMIT 1',
  heads: `SELECT c.village_id AS "villageId", a.name AS "villageName", c.last_seq AS "lastSeq", c.head_hash AS hash, c.genesis_hash AS "genesisHash"
            FROM ledger_chains c JOIN areas a ON a.id = c.village_id ORDER BY c.village_id`,
} as const;

/** The statement texts, for the batched async path (db/ledger/batch.ts). */
export const POSTING_SQL = SQL;

interface Statements {
  chain: Database.Statement<[number], VillageChain>;
  anyGenesis: Database.Statement<[], { genesisHash: string }>;
  newChain: Database.Statement<[number, string, string]>;
  saveChain: Database.Statement<[number, string, number]>;
  balance: Database.Statement<[number], HouseholdLedgerState>;
  ruleBlack: Database.Statement<[number | null, number], { black: number }>;
  setBalance: Database.Statement<[number, number, number]>;
  reversed: Database.Statement<[number], Omit<ReversedEntry, 'rulePublic'> & { rulePublic: number }>;
  insert: Database.Statement<unknown[]>;
  villageAncestry: Database.Statement<[number], { path: string }>;
  upsertScore: Database.Statement<unknown[]>;
  latest: Database.Statement<[], { lastEntryId: number; hash: string }>;
  heads: Database.Statement<[], VillageChainHead>;
  nextId: Database.Statement<[], { next: number }>;
}

const cache = new WeakMap<Database.Database, Statements>();

/** The synchronous statements of the SQLite bulk path (seeds, generator, bench), prepared once per connection. */
function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      chain: client.prepare(SQL.chain),
      anyGenesis: client.prepare(SQL.anyGenesis),
      newChain: client.prepare(SQL.newChain),
      saveChain: client.prepare(SQL.saveChain),
      balance: client.prepare(SQL.balance),
      ruleBlack: client.prepare(SQL.ruleBlack),
      setBalance: client.prepare(SQL.setBalance),
      reversed: client.prepare(SQL.reversed),
      insert: client.prepare(SQL.insert),
      villageAncestry: client.prepare(SQL.villageAncestry),
      upsertScore: client.prepare(SQL.upsertScore),
      latest: client.prepare(SQL.latest),
      heads: client.prepare(SQL.heads),
      // SQLite only, like the whole synchronous path: the id AUTOINCREMENT gives next.
      nextId: client.prepare(
        `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'ledger_entries'), 0), COALESCE((SELECT MAX(id) FROM ledger_entries), 0)) + 1 AS next`,
      ),
    };
    cache.set(client, s);
  }
  return s;
}

function requireWriteTransaction(db: Db): void {
  if (!inTransaction(db)) throw new Error('programming error: the ledger is written only inside a transaction');
}

/**
 * The village's chain row, created on first use. Every chain starts from the same genesis: the head of
 * the old single chain on an upgraded database (the migration wrote it into every village's row), else zeros.
 * Synchronous core of `lockVillageChain`, for the SQLite bulk path.
 */
export function takeVillageChain(db: SqliteDb, villageId: number): VillageChain {
  requireWriteTransaction(db);
  const s = statements(db.$client);
  const row = s.chain.get(villageId);
  if (row) return row;
  const genesis = s.anyGenesis.get()?.genesisHash ?? GENESIS_HASH;
  s.newChain.run(villageId, genesis, genesis);
  return { villageId, lastSeq: 0, headHash: genesis, genesisHash: genesis };
}

/**
 * Locks the village's chain row for the rest of the transaction and returns it, creating it on first use.
 * Every transaction that reads then writes a village's state (balances, caps, expiry, redemption) calls
 * this first. On SQLite the write transaction already serialises everything; on PostgreSQL the row is
 * taken FOR UPDATE (db/pg/locks.ts).
 */
export async function lockVillageChain(tx: Tx, villageId: number): Promise<VillageChain> {
  requireWriteTransaction(tx);
  const q = sqlOf(tx);
  if (q.engine === 'pg') return lockVillageChainRow(q, villageId);
  const row = await q.get<VillageChain>(SQL.chain, [villageId]);
  if (row) return row;
  const genesis = (await q.get<{ genesisHash: string }>(SQL.anyGenesis))?.genesisHash ?? GENESIS_HASH;
  await q.run(SQL.newChain, [villageId, genesis, genesis]);
  return (await q.get<VillageChain>(SQL.chain, [villageId]))!;
}

/** Stores the chain's new head after `chainEntry` advanced it. */
export function saveVillageChain(db: SqliteDb, chain: VillageChain): void {
  statements(db.$client).saveChain.run(chain.lastSeq, chain.headHash, chain.villageId);
}

/** County and township ids from a village's materialised path "/county/township/village/". */
export function ancestorsOf(path: string | undefined, villageId: number): { townshipId: number; countyId: number } {
  if (path === undefined) throw new Error(`unknown village ${villageId}`);
  const ids = path.split('/').filter(Boolean).map(Number);
  return { countyId: ids[0], townshipId: ids[1] ?? ids[0] };
}

/** Township and county ids of a village, from its materialised path "/county/township/village/". */
export function villageAncestors(db: SqliteDb, villageId: number): { townshipId: number; countyId: number } {
  return ancestorsOf(statements(db.$client).villageAncestry.get(villageId)?.path, villageId);
}

/** What a posting needs of its household: the balance and the secret seed of its yearly pseudonyms. */
export interface HouseholdLedgerState {
  balance: number;
  pseudonymSeed: string;
}

/** What a reversal needs of the entry it reverses: its kind (score bucket), place (public link) and whether its rule is public. */
export interface ReversedEntry {
  kind: LedgerKind;
  chainId: number | null;
  seq: number | null;
  rulePublic: boolean;
}

/** A household's balance and pseudonym seed, or undefined when there is no such household. */
export function householdLedgerState(db: SqliteDb, householdId: number): HouseholdLedgerState | undefined {
  return statements(db.$client).balance.get(householdId);
}

/** The kind, chain place and rule visibility of an existing entry, for a reversal's score bucket and public part. */
export function reversedEntry(db: SqliteDb, id: number): ReversedEntry | undefined {
  const row = statements(db.$client).reversed.get(id);
  return row && { ...row, rulePublic: Boolean(row.rulePublic) };
}

/**
 * Whether a deduction's rule is a black-list rule now, as the black list decides it: the rule version
 * of the award it posts (fixed when the award was made), else the rule's own flag. Read at posting, so
 * the public part of the entry (`rulePublicOf`) is fixed with its hash.
 */
export function ruleBlackListed(db: SqliteDb, awardId: number | null | undefined, ruleId: number | null | undefined): boolean {
  if (ruleId == null) return false;
  return Boolean(statements(db.$client).ruleBlack.get(awardId ?? null, ruleId)!.black);
}

/** What `chainEntry` needs of the database for `entry`, given its household's seed and the reversed entry. */
export function postingContext(db: SqliteDb, entry: NewLedgerEntry, pseudonymSeed: string, reversed: ReversedEntry | undefined): PostingContext {
  return { pseudonymSeed, reversed, ruleBlackListed: entry.kind === 'deduction' && ruleBlackListed(db, entry.awardId, entry.ruleId) };
}

/** The kind of an existing entry, for the score bucket of a reversal. */
export function ledgerEntryKind(db: SqliteDb, id: number): LedgerKind | undefined {
  return reversedEntry(db, id)?.kind;
}

/** The id SQLite's AUTOINCREMENT gives the next entry, for the bulk path that inserts many rows at once. */
export function nextLedgerEntryId(db: SqliteDb): number {
  return statements(db.$client).nextId.get()!.next;
}

/** The conduct-score rows an entry moves: one per period of its day (year, quarter, month), in its score bucket. */
export function scoreRows(entry: NewLedgerEntry, reversedKind: LedgerKind | undefined, ancestors: () => { townshipId: number; countyId: number }): unknown[][] {
  const bucket = scoreBucket(entry.kind, entry.conductPoints, entry.kind === 'reversal' ? reversedKind : undefined);
  if (!bucket) return [];
  const { townshipId, countyId } = ancestors();
  const earned = bucket === 'earned' ? entry.conductPoints : 0;
  const deducted = bucket === 'deducted' ? -entry.conductPoints : 0;
  return periodsOfDay(entry.occurredOn).map((period) => [entry.householdId, period, entry.villageId, townshipId, countyId, entry.conductPoints, earned, deducted]);
}

/**
 * Appends one entry to its village's chain: takes the chain row, links and hashes the entry, moves
 * the cached balance and the conduct-score totals. Synchronous: the SQLite bulk path only (seeds,
 * generator); everything else calls `postLedgerEntry`. Must run inside the caller's transaction.
 */
export function appendLedgerEntry(db: SqliteDb, entry: NewLedgerEntry): LedgerRow {
  const chain = takeVillageChain(db, entry.villageId);
  const s = statements(db.$client);
  const current = s.balance.get(entry.householdId);
  if (!current) throw new Error(`unknown household ${entry.householdId}`);
  const reversed = entry.reversesId ? reversedEntry(db, entry.reversesId) : undefined;
  const built = chainEntry(chain, current.balance, entry, postingContext(db, entry, current.pseudonymSeed, reversed));
  const values: unknown[] = [];
  pushLedgerValues(values, built);
  const id = Number(s.insert.run(values).lastInsertRowid);
  saveVillageChain(db, chain);
  if (built.points !== 0) s.setBalance.run(built.balanceAfter, entry.createdAt, entry.householdId);
  for (const row of scoreRows(entry, reversed?.kind, () => villageAncestors(db, entry.villageId))) s.upsertScore.run(row);
  moveLedgerTotalsSync(db.$client, { ...built, id });
  return { ...built, id };
}

/**
 * Store function: appends one entry to its village's chain inside `tx`, on either engine: locks the
 * chain row, links and hashes the entry, moves the cached balance and the conduct-score totals.
 */
export async function postLedgerEntry(tx: Tx, entry: NewLedgerEntry): Promise<LedgerRow> {
  const chain = await lockVillageChain(tx, entry.villageId);
  const q = sqlOf(tx);
  const current = await q.get<HouseholdLedgerState>(SQL.balance, [entry.householdId]);
  if (!current) throw new Error(`unknown household ${entry.householdId}`);
  let reversed: ReversedEntry | undefined;
  if (entry.reversesId) {
    const row = await q.get<ReversedEntry>(SQL.reversed, [entry.reversesId]);
    reversed = row && { ...row, rulePublic: Boolean(row.rulePublic) };
  }
  const black =
    entry.kind === 'deduction' && entry.ruleId != null && Boolean((await q.get<{ black: number | boolean }>(SQL.ruleBlack, [entry.awardId ?? null, entry.ruleId]))?.black);
  const built = chainEntry(chain, current.balance, entry, { pseudonymSeed: current.pseudonymSeed, reversed, ruleBlackListed: black });
  const values: SqlParam[] = [];
  pushLedgerValues(values, built);
  const { id } = (await q.get<{ id: number }>(`${SQL.insert} RETURNING id`, values))!;
  await q.run(SQL.saveChain, [chain.lastSeq, chain.headHash, chain.villageId]);
  if (built.points !== 0) await q.run(SQL.setBalance, [built.balanceAfter, entry.createdAt, entry.householdId]);
  const path = (await q.get<{ path: string }>(SQL.villageAncestry, [entry.villageId]))?.path;
  for (const row of scoreRows(entry, reversed?.kind, () => ancestorsOf(path, entry.villageId))) await q.run(SQL.upsertScore, row as SqlParam[]);
  await moveLedgerTotals(q, { ...built, id });
  return { ...built, id };
}

/**
 * The newest entry of the whole ledger (highest id) and its hash, or entry 0 and zeros. Kept for
 * boards and prints that pin "the ledger as of entry N"; per-village heads come from `villageChainHeads`.
 */
export function chainHeadOf(db: SqliteDb): { lastEntryId: number; hash: string } {
  return statements(db.$client).latest.get() ?? { lastEntryId: 0, hash: GENESIS_HASH };
}

/** Store function: the newest entry of the whole ledger and its hash (see `chainHeadOf`). */
export async function latestLedgerEntry(db: Db): Promise<{ lastEntryId: number; hash: string }> {
  return (await sqlOf(db).get<{ lastEntryId: number; hash: string }>(SQL.latest)) ?? { lastEntryId: 0, hash: GENESIS_HASH };
}

export interface VillageChainHead {
  villageId: number;
  villageName: string;
  lastSeq: number;
  hash: string;
  genesisHash: string;
}

/** Every village chain's head, by village id. */
export function villageChainHeads(db: SqliteDb): VillageChainHead[] {
  return statements(db.$client).heads.all();
}

/** Store function: every village chain's head, by village id. */
export async function listVillageChainHeads(db: Db): Promise<VillageChainHead[]> {
  return sqlOf(db).all<VillageChainHead>(SQL.heads);
}
