import { z } from 'zod';

/** A stored photo, named by the SHA-256 of its re-encoded JPEG: awards and batch rows cite it by this hash. */
export const UploadedEvidenceAnswer = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});
