// `db/ledger` is the posting core (chains, hashes, balances, conduct scores); the ledger module's own
// queries sit beside it in this folder (entries.ts, expiry.ts, notices.ts) and are imported by file.
export * from './posting';
export * from './pseudonym';
