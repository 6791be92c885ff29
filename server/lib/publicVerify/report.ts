/** The one report shape every verifier entry point returns (the web panel and the CLI print it). */

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Failure {
  villageId?: number;
  seq?: number;
  /** 1-based row of a board. */
  row?: number;
  what: string;
  /** The server could not be reached or refused (network, HTTP error): not evidence of tampering. */
  unreachable?: boolean;
}

export interface VerifyReport {
  ok: boolean;
  checks: Check[];
  firstFailure?: Failure;
}

export type Progress = (done: number, total: number) => void;

/** The last argument of every entry point: an onProgress callback, or options. */
export interface VerifyOptions {
  onProgress?: Progress;
  /** Fingerprint (hex) of the checkpoint key the caller trusts (from a poster or an earlier run); any other key fails. */
  trustedFingerprint?: string;
}

export function optionsOf(o?: VerifyOptions | Progress): VerifyOptions {
  return typeof o === 'function' ? { onProgress: o } : (o ?? {});
}

/** Thrown inside a verification to stop at the first thing that does not match (or cannot be fetched). */
export class Stop extends Error {
  constructor(
    readonly check: string,
    readonly failure: Failure,
  ) {
    super(failure.what);
  }
}

/** Collects checks; the first failure is the report's `firstFailure`. */
export class Recorder {
  readonly checks: Check[] = [];
  firstFailure?: Failure;

  pass(name: string, detail: string): void {
    this.checks.push({ name, ok: true, detail });
  }

  fail(name: string, failure: Failure): void {
    this.checks.push({ name, ok: false, detail: failure.what });
    this.firstFailure ??= failure;
  }

  /** Records a passed check, or a failed one and stops. */
  expect(ok: boolean, name: string, passDetail: string, failure: Failure): void {
    if (ok) this.pass(name, passDetail);
    else throw new Stop(name, failure);
  }

  absorb(other: VerifyReport): void {
    this.checks.push(...other.checks);
    if (other.firstFailure) this.firstFailure ??= other.firstFailure;
  }

  get ok(): boolean {
    return !this.firstFailure && this.checks.every((c) => c.ok);
  }

  report(): VerifyReport {
    return { ok: this.ok, checks: this.checks, ...(this.firstFailure ? { firstFailure: this.firstFailure } : {}) };
  }
}

/** Runs `body`, turning a Stop (or any unexpected error) into a failed check instead of an exception. */
export async function guarded(rec: Recorder, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof Stop) rec.fail(err.check, err.failure);
    else rec.fail('unexpected', { what: `verifier error: ${err instanceof Error ? err.message : String(err)}` });
  }
}
