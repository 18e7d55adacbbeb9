// The audit subsystem: the hash-chained log every decision goes to, the span store beside
// it, explanations and plain-English questions computed from them, and the kernel's
// telemetry outlets (OTLP traces, agents' Prometheus metrics).
import { join } from 'node:path';
import { SIGNING_PURPOSE } from '../crypto/index.ts';
import type { Config } from '../config/index.ts';
import type { KeyStore } from '../crypto/index.ts';
import { storageCause, unavailable } from '../base/errors.ts';
import type { AuditSink, Component } from '../contract/index.ts';
import type { Logger } from '../observe/log.ts';
import type { KernelMetrics } from '../observe/metrics.ts';
import { AgentMetrics } from '../observe/agent-metrics.ts';
import { Tracing } from '../observe/tracing.ts';
import { AuditLog } from './log.ts';
import { SpanStore } from './spans.ts';

export { AuditLog, exportRecords, type AuditConfig, type AuditQuery, type QueryResult } from './log.ts';
export { verifyAuditDb, type VerifyReport, type VerifyProblem } from './verify.ts';
export { readAnchorOrError } from './anchor.ts';
export { explain, type Explanation, type EvidenceRecord } from './explain.ts';
export { QuestionAnswerer, CAPABILITIES, type Answer, type LiveState, type Interpretation } from './ask.ts';
export { ALL, scopeOf, type AuditScope, type Permits } from './scope.ts';
export { answersOf, explanationsOf, spansOf, type FromNode } from './nodes.ts';
export { intentClassifier, trainingCorpus, INTENTS } from './understand.ts';
export { SpanStore, type SpanRecord } from './spans.ts';
export { openAuditDb } from './schema.ts';
export type { AuditRecord } from './record.ts';

/** Traces and agents' metrics: what sys_emit_trace, sys_trace_get and sys_emit_metric use. */
export interface Telemetry {
  tracing: Tracing;
  spans: SpanStore;
  metrics: AgentMetrics;
}

/** What openAudit opens: the sink the pipeline writes to, and the log behind it when it could be opened. */
export interface OpenedAudit {
  sink: AuditSink;
  audit?: AuditLog;
  telemetry?: Telemetry;
  component: Component;
}

/**
 * Opens <data-dir>/audit.db, the pipeline's audit sink, and the telemetry beside it. A file
 * that cannot be opened (corrupt, unreadable) does not stop the kernel: it serves what
 * changes nothing, refuses the rest (the sink's refusal names the file and the cause) and
 * reports the audit component down, until the file is restored or moved aside and the
 * kernel restarted.
 */
export function openAudit(deps: {
  dataDir: string;
  config: Pick<Config, 'audit' | 'telemetry'>;
  log: Logger;
  keys: KeyStore;
  metrics: KernelMetrics;
  version: string;
}): OpenedAudit {
  const { config, log, keys } = deps;
  const path = join(deps.dataDir, 'audit.db');
  // Checkpoints are signed for a purpose of their own, which sys_tpm_sign cannot sign for.
  const signer = () => ({ identity: () => keys.identity(), allPublicKeys: () => keys.allPublicKeys(), sign: (data: Uint8Array, keyId?: string) => keys.sign(SIGNING_PURPOSE.auditCheckpoint, data, keyId) });
  let audit: AuditLog;
  try {
    audit = new AuditLog(path, config.audit, { log, signer, keysExisted: !keys.created });
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    const cause = `the audit log cannot be opened: ${storageCause(code, path) ?? (err as Error).message}; restore it from a backup, or move it aside to begin a new log, and restart`;
    log.error({ err, path }, `AUDIT LOG UNUSABLE: ${cause}. Calls that change something are refused`);
    return { sink: refusingSink(cause), component: { name: 'audit', health: () => ({ status: 'down', details: { file: path, writable: cause } }) } };
  }
  const tracing = new Tracing({ otlpEndpoint: config.telemetry.otlpEndpoint, serviceName: config.telemetry.serviceName, version: deps.version });
  audit.onBatch = (batch) => tracing.emitSyscalls(batch);
  const metrics = new AgentMetrics(deps.metrics.registry, config.telemetry);
  deps.metrics.expose(() => metrics.text());
  return {
    sink: audit,
    audit,
    telemetry: { tracing, spans: new SpanStore(audit.database, audit), metrics },
    component: {
      name: 'audit',
      health: () => audit.health(),
      close: async () => {
        await audit.close();
        await tracing.close();
      },
    },
  };
}

/** The sink of a kernel whose audit log cannot be opened: it keeps nothing, and refuses. */
function refusingSink(cause: string): AuditSink {
  return { record: () => undefined, committed: () => Promise.reject(unavailable(cause)), refusal: () => cause };
}
