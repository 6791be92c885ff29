import { existsSync } from 'node:fs';

/** The database a CLI works on: `--db <file>`, else JIFEN_DB, else the server's default. */
export function dbFileFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  const i = argv.indexOf('--db');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  return env.JIFEN_DB ?? 'data/jifen.db';
}

/** Positional arguments, skipping `--db <file>`. */
export function positionalArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--db') i += 1;
    else if (!argv[i].startsWith('--')) out.push(argv[i]);
  }
  return out;
}

export function requireFile(file: string, what: string): void {
  if (!existsSync(file)) {
    console.error(`FAIL ${what} ${file} does not exist`);
    process.exit(2);
  }
}
