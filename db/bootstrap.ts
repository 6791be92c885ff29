import { sql } from 'drizzle-orm';
import type { Db } from './client';

export function isEmptyDatabase(db: Db): boolean {
  const row = db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM areas`);
  return !row || row.n === 0;
}
