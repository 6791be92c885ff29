// Same export names as db/schema/index.ts, so code can switch engines by its import.
export * from './areas';
export * from './users';
export * from './households';
export * from './rules';
export * from './awards';
export * from './ledger';
export * from './goods';
export * from './counter';
export * from './audit';
export * from './boards';
export * from './credit';
export * from './throttle';
export * from './evidence';
export * from './idempotency';
export * from './funds';
export * from './proofs';
export * from './dataVersion';
