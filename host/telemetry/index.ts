// Telemetry: the kernel's log (pino), its metrics (prom-client) and agents' metrics beside
// them, spans (the audit database's trace store, OTLP export), and what the machine has
// left. The kernel opens it once the audit log is open: spans live in the audit database,
// and syscall spans are made from the log's batches.
import type { Code } from '../base/errors.ts';
import type { Config } from '../config/index.ts';
import type { AuditLog } from '../audit/index.ts';
import { AgentMetrics } from './agent-metrics.ts';
import type { KernelMetrics } from './metrics.ts';
import { SpanStore } from './spans.ts';
import { Tracing } from './tracing.ts';

export { createLogger, type Logger } from './log.ts';
export { KernelMetrics } from './metrics.ts';
export { AgentMetrics, LABEL_NAME, METRIC_NAME } from './agent-metrics.ts';
export { SpanStore, type SpanRecord } from './spans.ts';
export { Tracing } from './tracing.ts';
export { diskFree, fileDescriptors, memory, MIN_FREE_BYTES } from './machine.ts';

/** Traces and agents' metrics: what sys_emit_trace, sys_trace_get and sys_emit_metric use. */
export interface Telemetry {
  tracing: Tracing;
  spans: SpanStore;
  metrics: AgentMetrics;
}

/**
 * Traces and agents' metrics over an open audit log: its batches become exported syscall
 * spans, agents' metrics are added to the kernel's scrape. `close` ends the export; call it
 * after the log's close, which hands over the last batch. `codeNumber` is the number a code
 * travels as (gRPC's, as the audit log stores it): spans carry it, as they always have.
 */
export function openTelemetry(deps: {
  config: Config['telemetry'];
  metrics: KernelMetrics;
  audit: AuditLog;
  version: string;
  codeNumber: (code: Code) => number;
}): Telemetry & { close(): Promise<void> } {
  const { config, audit } = deps;
  const tracing = new Tracing({ otlpEndpoint: config.otlpEndpoint, serviceName: config.serviceName, version: deps.version, codeNumber: deps.codeNumber });
  audit.onBatch = (batch) => tracing.emitSyscalls(batch);
  const metrics = new AgentMetrics(deps.metrics.registry, config);
  deps.metrics.expose(() => metrics.text());
  return { tracing, spans: new SpanStore(audit.database, audit, deps.codeNumber), metrics, close: () => tracing.close() };
}
