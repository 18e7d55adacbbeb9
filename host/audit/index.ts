// The audit subsystem: the hash-chained log every decision goes to, the span store beside
// it, explanations and plain-English questions computed from them, and the kernel's
// telemetry outlets (OTLP traces, agents' Prometheus metrics).
import { join } from 'node:path';
import { SIGNING_PURPOSE } from '../crypto/index.ts';
import type { Kernel } from '../kernel.ts';
import { storageCause, unavailable } from '../base/errors.ts';
import type { AuditSink } from '../contract/index.ts';
import { AgentMetrics } from '../observe/agent-metrics.ts';
import { Tracing } from '../observe/tracing.ts';
import { QuestionAnswerer, type LiveState } from './ask.ts';
import { AuditLog } from './log.ts';
import { SpanStore } from './spans.ts';

export { AuditLog, exportRecords, type AuditConfig, type AuditQuery, type QueryResult } from './log.ts';
export { verifyAuditDb, type VerifyReport, type VerifyProblem } from './verify.ts';
export { readAnchorOrError } from './anchor.ts';
export { explain, type Explanation, type EvidenceRecord } from './explain.ts';
export { QuestionAnswerer, CAPABILITIES, type Answer, type LiveState, type Interpretation } from './ask.ts';
export { ALL, scopeOf, type AuditScope, type Permits } from './scope.ts';
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

/** The live state questions may read, from whichever subsystems this kernel runs. */
export function liveState(kernel: Kernel): LiveState {
  return {
    agents: kernel.agents ? () => kernel.agents!.list() : undefined,
    drivers: kernel.drivers ? () => kernel.drivers!.list() : undefined,
    namespaces: kernel.context ? () => kernel.context!.namespaces() : undefined,
    versions: kernel.context ? (ns, key) => kernel.context!.versions(ns, key).versions : undefined,
    health: () => kernel.health(),
    syscalls: kernel.table.map((r) => r.name),
  };
}

/**
 * Opens <data-dir>/audit.db, makes it the pipeline's audit sink, and sets kernel.audit and
 * kernel.telemetry. A file that cannot be opened (corrupt, unreadable) does not stop the
 * kernel: it serves what changes nothing, refuses the rest (the sink's refusal names the
 * file and the cause) and reports the audit component down, until the file is restored or
 * moved aside and the kernel restarted.
 */
export function openAudit(kernel: Kernel): void {
  const path = join(kernel.dataDir, 'audit.db');
  // Checkpoints are signed for a purpose of their own, which sys_tpm_sign cannot sign for.
  const signer = () => {
    const keys = kernel.keys;
    return keys && { identity: () => keys.identity(), allPublicKeys: () => keys.allPublicKeys(), sign: (data: Uint8Array, keyId?: string) => keys.sign(SIGNING_PURPOSE.auditCheckpoint, data, keyId) };
  };
  let audit: AuditLog;
  try {
    audit = new AuditLog(path, kernel.config.audit, { log: kernel.log, signer, keysExisted: kernel.keys ? !kernel.keys.created : false });
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    const cause = `the audit log cannot be opened: ${storageCause(code, path) ?? (err as Error).message}; restore it from a backup, or move it aside to begin a new log, and restart`;
    kernel.log.error({ err, path }, `AUDIT LOG UNUSABLE: ${cause}. Calls that change something are refused`);
    kernel.auditSink = refusingSink(cause);
    kernel.register({ name: 'audit', health: () => ({ status: 'down', details: { file: path, writable: cause } }) });
    return;
  }
  const tracing = new Tracing({ otlpEndpoint: kernel.config.telemetry.otlpEndpoint, serviceName: kernel.config.telemetry.serviceName, version: kernel.version });
  audit.onBatch = (batch) => tracing.emitSyscalls(batch);
  kernel.audit = audit;
  kernel.auditSink = audit;
  const metrics = new AgentMetrics(kernel.metrics.registry, kernel.config.telemetry);
  kernel.metrics.expose(() => metrics.text());
  kernel.telemetry = { tracing, spans: new SpanStore(audit.database, audit), metrics };
  kernel.register({
    name: 'audit',
    health: () => audit.health(),
    close: async () => {
      await audit.close();
      await tracing.close();
    },
  });
}

/** The sink of a kernel whose audit log cannot be opened: it keeps nothing, and refuses. */
function refusingSink(cause: string): AuditSink {
  return { record: () => undefined, committed: () => Promise.reject(unavailable(cause)), refusal: () => cause };
}

/** A question answerer over this kernel's audit log and live state, in its configured time zone. */
export const answererFor = (kernel: Kernel, audit: AuditLog) => new QuestionAnswerer(audit, liveState(kernel), { timeZone: kernel.config.nl.timeZone });
