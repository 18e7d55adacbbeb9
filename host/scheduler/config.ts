// The `scheduler` section of the kernel configuration.
import { z } from 'zod';

const unit = z.number().min(0).max(1);

export const DIMENSIONS = ['urgency', 'importance', 'efficiency', 'energy', 'trust'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Weights of the five dimensions: non-negative, not all zero (they are normalised to sum 1). */
export const WeightsSchema = z
  .object({
    urgency: z.number().min(0),
    importance: z.number().min(0),
    efficiency: z.number().min(0),
    energy: z.number().min(0),
    trust: z.number().min(0),
  })
  .strict()
  .refine((w) => DIMENSIONS.some((d) => w[d] > 0), { message: 'at least one weight must be above 0' });
export type Weights = z.infer<typeof WeightsSchema>;

export const DEFAULT_WEIGHTS: Weights = { urgency: 0.3, importance: 0.3, efficiency: 0.15, energy: 0.1, trust: 0.15 };

export const SchedulerConfigSchema = z
  .object({
    weights: WeightsSchema.default(DEFAULT_WEIGHTS),
    /** Score gained per second of waiting: a task of score 0 overtakes a fresh task of score 1 after 1/agingPerSecond s. */
    agingPerSecond: z.number().positive().default(0.05),
    /** A deadline this far away (or further) derives urgency 0; one due now derives 1. */
    deadlineHorizonMs: z.number().int().positive().default(60_000),
    /** Tasks queued at once (all agents); a full queue refuses with RESOURCE_EXHAUSTED. */
    queueBound: z.number().int().positive().default(10_000),
    /** Tasks running at once; 0 = the driver pool's capacity (workers × calls per worker). */
    concurrency: z.number().int().min(0).default(0),
    /** A task's run time limit when its deadline does not set a shorter one. */
    taskTimeoutMs: z.number().int().positive().default(30_000),
    /** A task whose priority beats the fair-share pick by this much runs first. */
    preemptMargin: unit.default(0.25),
    /** Finished task records kept for TaskStatus and rollback (oldest dropped first). */
    retainFinished: z.number().int().min(0).default(10_000),
    /** Trust given to a loaded (signature-checked) driver when arbitrating. */
    driverTrust: unit.default(0.8),
    /** Defaults for agents registered without them. */
    agentDefaults: z
      .object({ trust: unit, shareWeight: z.number().positive(), quotaRate: z.number().positive(), quotaBurst: z.number().min(1) })
      .strict()
      .default({ trust: 0.5, shareWeight: 1, quotaRate: 1000, quotaBurst: 2000 }),
    /** The priority queue implementation: the WebAssembly heap, or its TypeScript reference. */
    heap: z.enum(['wasm', 'typescript']).default('wasm'),
  })
  .strict();
export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>;
