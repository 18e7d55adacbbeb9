// The `federation` section of the kernel config: absent, the kernel is alone and no NATS
// code is loaded.
import { z } from 'zod';

/** A node id or cluster name: one NATS subject token, readable in logs. */
export const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const NODE_ID_RULE = 'a node id is 1-64 of [A-Za-z0-9_-]';

export const FederationConfigSchema = z
  .object({
    /** NATS server URL(s), comma-separated: nats://127.0.0.1:4222. */
    url: z.string().min(1),
    /** This kernel's name in the mesh; empty = a stable id kept in <data-dir>/node-id. */
    nodeId: z.string().regex(NODE_ID, NODE_ID_RULE).optional(),
    /** Kernels of one cluster share streams; the name is part of every subject. */
    cluster: z.string().regex(NODE_ID, 'a cluster name is 1-64 of [A-Za-z0-9_-]').default('camos'),
    /** A NATS .creds file (JWT and nkey seed). */
    credentials: z.string().min(1).optional(),
    /** TLS to NATS: PEM files. */
    tls: z.object({ ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional() }).strict().optional(),
    /** Replicas of the context stream (3 on a 3-server NATS cluster). */
    replicas: z.number().int().min(1).max(5).default(1),
    /** How long a compare-and-set waits for this kernel's earlier writes of the key to reach the stream. */
    casTimeoutMs: z.number().int().min(100).default(5000),
    /** A peer's clock may run this far ahead of ours; a version stamped later is refused. */
    maxClockAheadMs: z.number().int().min(0).default(60_000),
    /** A task taken from the work queue and not acknowledged (its kernel died) goes to another kernel after this long. */
    workAckWaitMs: z.number().int().min(500).default(30_000),
    /** How long a question waits for the peers' answers; a peer that has not answered by then is named as silent. */
    questionTimeoutMs: z.number().int().min(50).default(2000),
  })
  .strict();

export type FederationConfig = z.infer<typeof FederationConfigSchema>;

/** `tasks` in the kernel config: where committed driver tasks run. */
export const TasksConfigSchema = z
  .object({
    /** "local": this kernel's scheduler; "federation": the federation's work queue, taken by any kernel with the driver. */
    distribution: z.enum(['local', 'federation']).default('local'),
  })
  .strict();
