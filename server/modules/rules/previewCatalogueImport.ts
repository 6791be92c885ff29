import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { checkCatalogue, loadCatalogueBasis, newHeadingsOf, readCatalogue, summarise } from './checkCatalogueRows';
import type { CatalogueImportBody } from './schemas';

/** Every row of the catalogue with what the import would do and why it cannot; writes nothing. */
export async function previewCatalogueImport(ctx: Ctx, body: CatalogueImportBody) {
  const { area, sheet } = await readCatalogue(ctx, body);
  const rows = checkCatalogue(area, await loadCatalogueBasis(readDb(ctx.db), area), sheet);
  // Headings the area lacks: shown for the manager to confirm; the import makes them with createHeadings.
  return { area: { id: area.id, name: area.name }, counts: summarise(rows), newHeadings: newHeadingsOf(rows), rows };
}
