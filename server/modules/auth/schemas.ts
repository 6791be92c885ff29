import { z } from 'zod';
import { normalizeText } from '../../lib/normalize';

export const LoginBody = z.object({
  username: z.string().overwrite(normalizeText).min(1).max(64),
  password: z.string().min(1).max(200),
});
export type LoginBody = z.infer<typeof LoginBody>;
