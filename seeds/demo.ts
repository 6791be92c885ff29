import type { Db } from '../db/client';

export async function seedDemoCounty(_db: Db, _opts: { scryptN: number }): Promise<void> {
  throw new Error('demo seed not yet written');
}
