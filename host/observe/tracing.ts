// OpenTelemetry for the kernel: a tracer provider of its own (not the global one, so that
// several kernels can share a process) that exports over OTLP/HTTP when an endpoint is
// configured. Syscall spans are made from audit batches, off the call path, with the ids
// the pipeline already gave the call, so exported traces match the audit log.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Tracer } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type { OTLPTraceExporter as Exporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import type { AuditEntry } from '../syscalls/types.ts';

/** Hands the SDK the ids of the span about to start (the pipeline chose them); random otherwise. */
class GivenIds implements IdGenerator {
  next?: { traceId: string; spanId: string };
  private readonly random = new RandomIdGenerator();
  generateTraceId = () => this.next?.traceId ?? this.random.generateTraceId();
  generateSpanId = () => this.next?.spanId ?? this.random.generateSpanId();
}

export interface SpanInput {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  durationMs: number;
  ok: boolean;
  attributes: Record<string, string | number>;
  kind?: SpanKind;
}

// The OTLP exporter (and the protobuf code under it) is loaded only when spans leave the
// process: about 9 MB that a kernel without an endpoint should not carry.
const otlpExporter = (): typeof Exporter =>
  (createRequire(import.meta.url)('@opentelemetry/exporter-trace-otlp-http') as { OTLPTraceExporter: typeof Exporter }).OTLPTraceExporter;

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

export class Tracing {
  readonly provider: BasicTracerProvider;
  readonly tracer: Tracer;
  /** True when spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  private readonly ids = new GivenIds();

  constructor(opts: { otlpEndpoint: string; serviceName: string; version: string }) {
    this.exporting = opts.otlpEndpoint !== '';
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': opts.serviceName, 'service.version': opts.version }),
      idGenerator: this.ids,
      spanProcessors: this.exporting ? [new BatchSpanProcessor(new (otlpExporter())({ url: opts.otlpEndpoint }))] : [],
    });
    this.tracer = this.provider.getTracer('camos', opts.version);
  }

  /** Emits one finished span with exactly the given ids. */
  emit(s: SpanInput): void {
    if (!this.exporting || !HEX32.test(s.traceId) || !HEX16.test(s.spanId)) return;
    const parent = s.parentSpanId && HEX16.test(s.parentSpanId)
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
      : ROOT_CONTEXT;
    this.ids.next = { traceId: s.traceId, spanId: s.spanId };
    try {
      const span = this.tracer.startSpan(s.name, { kind: s.kind ?? SpanKind.SERVER, startTime: s.startMs, attributes: s.attributes }, parent);
      if (!s.ok) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(s.startMs + s.durationMs);
    } finally {
      this.ids.next = undefined;
    }
  }

  /** Exports the syscall spans of an audit batch. */
  emitSyscalls(entries: readonly (AuditEntry)[]): void {
    if (!this.exporting) return;
    for (const e of entries) {
      if (!e.traceId) continue;
      this.emit({
        traceId: e.traceId,
        spanId: e.spanId,
        parentSpanId: e.parentSpanId,
        name: e.syscall,
        startMs: e.time - e.durationUs / 1000,
        durationMs: e.durationUs / 1000,
        ok: e.outcome === 'ok',
        attributes: { 'camos.caller': e.caller, 'camos.door': e.door, 'camos.target': e.target, 'rpc.grpc.status_code': e.code, ...(e.taskId ? { 'camos.task_id': e.taskId } : {}) },
      });
    }
  }

  async close(): Promise<void> {
    await this.provider.shutdown();
  }
}
