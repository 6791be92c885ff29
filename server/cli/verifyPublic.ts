import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  checkConsistency,
  fingerprintDisplay,
  httpApi,
  verifyBoard,
  verifyCheckpoint,
  verifyVillage,
  type Failure,
  type PublicApi,
  type RememberedCheckpoint,
  type VerifiedCheckpoint,
  type VerifyReport,
} from '../lib/publicVerify';

/**
 * `npm run verify:public -- --url <server> [--village id …] [--board id] [--county id] [--state file] [--fingerprint hex]`
 * Checks a server from its public HTTP answers only: the latest signed checkpoint, every village's public
 * ledger against it (or the --village ones), a published board recomputed from the ledger, and — from the
 * checkpoint remembered in the state file — that the checkpoint chain links back and every ledger only grew.
 * Exit 0: everything matches; 1: something does not match; 2: usage or network error.
 */

const Remembered = z.object({
  id: z.number().int(),
  countyId: z.number().int(),
  seq: z.number().int(),
  hash: z.string(),
  body: z.object({ villages: z.array(z.object({ villageId: z.number().int(), villageName: z.string(), treeSize: z.number().int(), root: z.string() })) }),
});
const CountyState = z.object({
  fingerprint: z.string(),
  checkpoint: Remembered,
  // Per village: how many leading legacy (version 1/2) entries it had; more later means entries were relabelled.
  legacy: z.record(z.string(), z.number().int()),
  verifiedAt: z.string(),
});
type CountyState = z.infer<typeof CountyState>;
const StateFile = z.object({ version: z.literal(1), servers: z.record(z.string(), z.record(z.string(), CountyState)) });
type StateFile = z.infer<typeof StateFile>;

export interface VerifyPublicArgs {
  url: string;
  villages: number[];
  board?: number;
  county?: number;
  state: string;
  fingerprint?: string;
}

class UsageError extends Error {}

export function parseArgs(argv: string[], home = homedir()): VerifyPublicArgs {
  const out: Partial<VerifyPublicArgs> & { villages: number[] } = { villages: [] };
  const id = (flag: string, v: string | undefined) => {
    if (!v || !/^\d{1,15}$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} needs a positive number`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--url':
        if (!value || !/^https?:\/\/[^\s]+$/.test(value)) throw new UsageError('--url needs http(s)://host[:port]');
        out.url = value.replace(/\/+$/, '');
        break;
      case '--village':
        out.villages.push(id(flag, value));
        break;
      case '--board':
        out.board = id(flag, value);
        break;
      case '--county':
        out.county = id(flag, value);
        break;
      case '--state':
        if (!value) throw new UsageError('--state needs a file');
        out.state = value;
        break;
      case '--fingerprint':
        if (!value || !/^[0-9a-fA-F ]{32,}$/.test(value)) throw new UsageError('--fingerprint needs at least the first 32 hex digits of the key fingerprint (as on the poster)');
        out.fingerprint = value.replace(/\s+/g, '').toLowerCase();
        break;
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
    i++;
  }
  if (!out.url) throw new UsageError('--url is required');
  return { url: out.url, villages: out.villages, board: out.board, county: out.county, state: resolve(out.state ?? join(home, '.jifen-verify-state.json')), fingerprint: out.fingerprint };
}

function loadState(file: string): StateFile {
  if (!existsSync(file)) return { version: 1, servers: {} };
  const parsed = StateFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new UsageError(`state file ${file} is not a verify:public state file`);
  return parsed.data;
}

function saveState(file: string, state: StateFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

function where(f: Failure, names: Map<number, string>): string {
  const parts: string[] = [];
  if (f.villageId !== undefined) parts.push(`village ${names.get(f.villageId) ?? '?'} (id ${f.villageId})`);
  if (f.seq !== undefined) parts.push(`seq ${f.seq}`);
  if (f.row !== undefined) parts.push(`board row ${f.row}`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/** Runs the verification; returns the exit code. `apiFor` lets tests read an in-process app instead of HTTP. */
export async function runVerifyPublic(argv: string[], io: Io, apiFor: (url: string) => PublicApi = (url) => httpApi(url)): Promise<number> {
  let args: VerifyPublicArgs;
  let state: StateFile;
  try {
    args = parseArgs(argv);
    state = loadState(args.state);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof SyntaxError)) throw err;
    io.err(`verify:public: ${err.message}`);
    io.err('usage: npm run verify:public -- --url <server> [--village id] [--board id] [--county id] [--state file] [--fingerprint hex]');
    return 2;
  }
  const api = apiFor(args.url);
  const names = new Map<number, string>();
  let failed: Failure | undefined;
  const show = (title: string, r: VerifyReport) => {
    for (const c of r.checks) io.out(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
    if (!r.ok) {
      failed ??= r.firstFailure ?? { what: `${title} failed` };
    }
    return r.ok;
  };

  const server = (state.servers[args.url] ??= {});
  const remembered = (county: number | undefined): CountyState | undefined => (county === undefined ? undefined : server[String(county)]);
  const trusted = args.fingerprint ?? remembered(args.county)?.fingerprint;

  io.out(`Checkpoint of ${args.url}${args.county ? ` county ${args.county}` : ''}:`);
  const cp = await verifyCheckpoint(api, 'latest', args.county, { trustedFingerprint: trusted });
  show('checkpoint', cp);
  const checkpoint: VerifiedCheckpoint | undefined = cp.checkpoint;
  if (checkpoint) {
    for (const v of checkpoint.body.villages) names.set(v.villageId, v.villageName);
    io.out(`  ${checkpoint.body.countyName}: checkpoint No. ${checkpoint.seq} of ${checkpoint.body.issuedAt}, key ${fingerprintDisplay(checkpoint.body.keyFingerprint)}`);
  }
  const before = checkpoint ? remembered(checkpoint.countyId) : undefined;
  if (checkpoint && before && !failed) {
    if (before.fingerprint !== checkpoint.body.keyFingerprint && !args.fingerprint) {
      failed = { what: `the server now signs with key ${fingerprintDisplay(checkpoint.body.keyFingerprint)}, not ${fingerprintDisplay(before.fingerprint)} seen before (pass --fingerprint to accept a new key)` };
      io.out(`  ✗ key: ${failed.what}`);
    } else {
      io.out(`Since checkpoint No. ${before.checkpoint.seq} (verified ${before.verifiedAt}):`);
      show('consistency', await checkConsistency(api, before.checkpoint as RememberedCheckpoint, checkpoint));
    }
  } else if (checkpoint && !failed) {
    io.out(`  (no earlier checkpoint of this county in ${args.state}: the next run will check this one is extended)`);
  }

  const legacy: Record<string, number> = {};
  if (checkpoint && !failed) {
    const ids = args.villages.length ? args.villages : checkpoint.body.villages.map((v) => v.villageId);
    for (const id of ids) {
      io.out(`Village ${names.get(id) ?? id} (id ${id}):`);
      const vr = await verifyVillage(api, id, checkpoint);
      if (!show('village', vr)) break;
      if (vr.village) {
        legacy[String(id)] = vr.village.legacy;
        const was = before?.legacy[String(id)];
        if (was !== undefined && vr.village.legacy > was) {
          failed = { villageId: id, seq: was + 1, what: `${vr.village.villageName}: ${vr.village.legacy} legacy entries, ${was} before: entries were relabelled to escape the public-field check` };
          io.out(`  ✗ legacy entries: ${failed.what}`);
          break;
        }
      }
    }
  }

  if (args.board && !failed) {
    io.out(`Board publication ${args.board}:`);
    const br = await verifyBoard(api, args.board, { trustedFingerprint: trusted });
    if (br.checkpoint) for (const v of br.checkpoint.body.villages) names.set(v.villageId, v.villageName);
    show('board', br);
    for (const n of br.notes) io.out(`  · ${n}`);
  }

  if (failed) {
    io.out(`${failed.unreachable ? 'ERROR' : 'MISMATCH'}: ${failed.what}${where(failed, names)}`);
    return failed.unreachable ? 2 : 1;
  }
  if (checkpoint) {
    server[String(checkpoint.countyId)] = {
      fingerprint: checkpoint.body.keyFingerprint,
      checkpoint: { id: checkpoint.id, countyId: checkpoint.countyId, seq: checkpoint.seq, hash: checkpoint.hash, body: { villages: checkpoint.body.villages } },
      legacy: { ...(before?.legacy ?? {}), ...legacy },
      verifiedAt: new Date().toISOString(),
    };
    saveState(args.state, state);
  }
  io.out(`OK: everything checked matches the signed checkpoint${checkpoint ? ` No. ${checkpoint.seq}` : ''}; remembered in ${args.state}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runVerifyPublic(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
