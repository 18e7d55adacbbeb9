// The `context` section of the kernel config.
import { z } from 'zod';

const RetentionRuleSchema = z
  .object({
    /** Keep at least the newest N versions of each key. */
    keepLast: z.number().int().min(1).optional(),
    /** Keep versions younger than this (ms). */
    maxAgeMs: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((r) => r.keepLast !== undefined || r.maxAgeMs !== undefined, { message: 'a retention rule needs keepLast, maxAgeMs or both' });

export const ContextConfigSchema = z
  .object({
    /** Largest value a write may carry. */
    maxValueBytes: z.number().int().min(1).max(64 * 1024 * 1024).default(1024 * 1024),
    /** Latest entries of recently read keys kept in memory (0 = none). */
    cacheEntries: z.number().int().min(0).default(10_000),
    /** Cap on a version list page's `limit`. */
    versionListLimit: z.number().int().min(1).max(100_000).default(1000),
    /** Bytes of retained versions per namespace; key '*' applies to namespaces not named. */
    quotas: z.record(z.string(), z.number().int().min(0)).default({}),
    /**
     * Per namespace ('*' for the rest). A version is removed only when every rule given says so;
     * the latest version and versions a snapshot refers to are always kept.
     */
    retention: z.record(z.string(), RetentionRuleSchema).default({}),
  })
  .strict();

export type ContextConfig = z.infer<typeof ContextConfigSchema>;
