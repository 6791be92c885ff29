/**
 * The public verifier: checks checkpoints, village ledgers, published boards and a household's proofs from
 * public HTTP answers only, on WebCrypto, in the browser and in Node (npm run verify:public).
 */
export { httpApi, ApiUnavailable, type PublicApi } from './api';
export { verifyCheckpoint, type VerifiedCheckpoint, type CheckpointReport } from './checkpoint';
export { verifyVillage, type VerifiedVillage, type VillageReport } from './village';
export { verifyBoard, recomputeBoard, type BoardReport } from './board';
export { verifyHouseholdProofs, type HouseholdReport } from './household';
export { checkConsistency, type RememberedCheckpoint } from './consistency';
export { fingerprintDisplay } from './crypto';
export type { Check, Failure, Progress, VerifyOptions, VerifyReport } from './report';
