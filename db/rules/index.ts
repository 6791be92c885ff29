// `db/rules` stays importable as it was before the rule stores moved into this folder.
export * from './rules';
export * from './headings';
