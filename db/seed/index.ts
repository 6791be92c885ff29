// What seeds/ writes through: the seed's own stores; the ledger and stock go through db/bulk.ts's writers.
export * from './county';
export * from './demo';
export * from './history';
