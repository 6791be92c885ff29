/**
 * Browser tests drive Debian's Chromium. Where it is missing they skip on a developer's machine, but under CI
 * they fail and say so: a CI run that silently skipped the browser would pass without testing the web app.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM = process.env.JIFEN_CHROMIUM ?? '/usr/bin/chromium';

/** CI=true (or any value but "false"/"0"), as CI services set it. */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return !!ci && ci !== 'false' && ci !== '0';
}

export function missingChromiumMessage(path = CHROMIUM): string {
  return `Chromium is not at ${path}: the browser tests cannot run. Install it (apt-get install chromium fonts-noto-cjk), or set JIFEN_CHROMIUM to its path.`;
}

/** What a browser suite does here: run, fail (CI without Chromium) or skip (a developer without Chromium). */
export function chromiumVerdict(path = CHROMIUM, env: NodeJS.ProcessEnv = process.env): 'run' | 'fail' | 'skip' {
  if (existsSync(path)) return 'run';
  return underCi(env) ? 'fail' : 'skip';
}

/**
 * `describe` for a suite that needs Chromium: runs it when Chromium is there; otherwise skips it, or under CI
 * replaces it by one failing test that says what is missing.
 */
export function describeWithChromium(name: string, body: () => void): void {
  const verdict = chromiumVerdict();
  if (verdict === 'run') {
    describe(name, body);
  } else if (verdict === 'fail') {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(missingChromiumMessage());
      });
    });
  } else {
    describe.skip(name, body);
  }
}

/** Headless Chromium with the flags every browser test needs in a container; `extraArgs` for the fake camera. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
