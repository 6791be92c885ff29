/**
 * Writes seeds/catalogue-demo.xlsx, the catalogue import template filled with 龙潭村's 积分细则
 * (run: `npx tsx seeds/make-catalogue.ts`). Deterministic apart from the export time in its title row.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCatalogueTemplate } from './catalogue';

const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(join(here, 'catalogue-demo.xlsx'), await writeCatalogueTemplate(Date.UTC(2026, 6, 1)));
console.log('seeds/catalogue-demo.xlsx');
