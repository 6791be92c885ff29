// `db/areas` stays importable as it was before the area stores moved into this folder.
export * from './areas';
