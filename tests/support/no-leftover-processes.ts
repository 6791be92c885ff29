/**
 * Vitest global setup: every process a test starts (a server, Chromium, a CLI) inherits JIFEN_TEST_RUN, a mark
 * unique to this run. When the run ends, a marked process still alive was left behind by a test: it is named,
 * killed, and the run fails. Linux only (it reads /proc); elsewhere the check is skipped.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const MARK = 'JIFEN_TEST_RUN';

interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
}

/** Processes of this user whose environment carries `mark`, other than this one and its workers. */
export function markedProcesses(mark: string, self = process.pid): Proc[] {
  const needle = `${MARK}=${mark}\0`;
  const found: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === self) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) continue;
      // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      // Vitest's own workers are this process's children; they end after global teardown, by Vitest.
      if (Number(ppid) === self) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      // esbuild's service lives as long as the worker that used it (a web build) and ends with it.
      if (/(^|\/)esbuild( |$)/.test(cmd)) continue;
      found.push({ pid, ppid: Number(ppid), cmd });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export default function setup() {
  const mark = randomUUID();
  // Set before Vitest forks its workers: they, and everything they spawn, inherit it.
  process.env[MARK] = mark;
  return async function teardown() {
    if (!existsSync('/proc/self/environ')) return;
    let left = markedProcesses(mark);
    // A process stopped by the last afterAll may need a moment to exit.
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = markedProcesses(mark);
    }
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exitCode = 1;
    const list = left.map((p) => `  pid ${p.pid} (parent ${p.ppid}): ${p.cmd.slice(0, 200)}`).join('\n');
    throw new Error(`Tests left ${left.length} process(es) running after the run (now killed); the test that started each must stop it:\n${list}`);
  };
}
