// The `crypto` section of the kernel config: which library makes the post-quantum halves (pq.ts).
import { z } from 'zod';

export const PQ_BACKENDS = ['pqclean', 'noble'] as const;
export type PqBackendName = (typeof PQ_BACKENDS)[number];

export const CryptoConfigSchema = z
  .object({
    /**
     * ML-DSA-65 and ML-KEM-768 from PQClean's C ('pqclean', a native addon) or from
     * @noble/post-quantum ('noble', pure JavaScript). Unset: pqclean when its addon loads,
     * else noble with a warning; 'pqclean' when the addon cannot load fails start.
     */
    backend: z.enum(PQ_BACKENDS).optional(),
  })
  .strict();
