import { defineConfig } from 'drizzle-kit';

// The PostgreSQL engine's migrations (docs/POSTGRES.md); drizzle.config.ts keeps SQLite's.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema/index.ts',
  out: './db/pg/migrations',
});
