import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';
import type { UploadedFile } from '../excel/use-excel';

export type Heading = InferResponseType<(typeof api.areas)[':id']['headings']['$get'], 200>['items'][number];
export type CreateHeadingBody = InferRequestType<(typeof api.areas)[':id']['headings']['$post']>['json'];
export type UpdateHeadingBody = InferRequestType<(typeof api.headings)[':id']['$patch']>['json'];
export type CataloguePreview = InferResponseType<typeof api.imports.catalogue.preview.$post, 200>;
export type CatalogueImportResult = InferResponseType<typeof api.imports.catalogue.$post, 200>;

export async function listHeadings(areaId: number): Promise<Heading[]> {
  return (await call(api.areas[':id'].headings.$get({ param: { id: String(areaId) } }))).items;
}

export const createHeading = (areaId: number, body: CreateHeadingBody) => call(api.areas[':id'].headings.$post({ param: { id: String(areaId) }, json: body }));
export const updateHeading = (id: number, body: UpdateHeadingBody) => call(api.headings[':id'].$patch({ param: { id: String(id) }, json: body }));

export const previewCatalogue = (areaId: number, file: UploadedFile) => call(api.imports.catalogue.preview.$post({ json: { areaId, file } }));
/**
 * createHeadings: the manager saw the preview's new headings and confirms making them with the import;
 * deductionHeadings: those of them that are deduction headings (their negative items count for the black list).
 */
export const importCatalogue = (areaId: number, file: UploadedFile, createHeadings: boolean, deductionHeadings: string[] = []) =>
  call(api.imports.catalogue.$post({ json: { areaId, file, createHeadings, deductionHeadings } }));
export const catalogueXlsxUrl = (areaId: number) => api.exports['catalogue.xlsx'].$path({ query: { areaId: String(areaId) } });
