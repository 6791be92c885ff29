/** What one photo upload may be, and how many a user may send. */
export const EVIDENCE_LIMITS = {
  /** Bytes of one upload as received (the browser sends a few hundred KB; a camera original is < 8 MB). */
  maxUploadBytes: 8 * 1024 * 1024,
  /** Pixels of the decoded input: 40 MP is more than any phone camera; a decompression bomb is far more. */
  maxInputPixels: 40_000_000,
  /** The stored photo's long side. */
  longSide: 1600,
  /** JPEG quality of the stored photo. */
  quality: 80,
  /** Distinct photos one account may upload in 24 hours. */
  perUserPerDay: 300,
  /** Photos on one award. */
  perAward: 6,
} as const;
