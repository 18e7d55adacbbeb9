// OpenTelemetry for the kernel: a tracer provider of its own (not the global one, so that
// several kernels can share a process) that exports over OTLP/HTTP when an endpoint is
// configured. Syscall spans are made from audit batches, off the call path, with the ids
// the pipeline already gave the call, so exported traces match the audit log.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Tracer } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type { OTLPTraceExporter as Exporter } from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type * as TraceBase from '@opentelemetry/sdk-trace-base';
import type { Code } from '../base/errors.ts';
import type { AuditEntry } from '../contract/index.ts';

/** Hands the SDK the ids of the span about to start (the pipeline chose them); random otherwise. */
class GivenIds implements TraceBase.IdGenerator {
  next?: { traceId: string; spanId: string };
  constructor(private readonly random: TraceBase.IdGenerator) {}
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

// The SDK, the OTLP exporter and the protobuf code under it are loaded only when spans
// leave the process: about 17 MB (9 MB the exporter, 8 MB the SDK) that a kernel without
// an endpoint should not carry.
const load = <T>(name: string): T => createRequire(import.meta.url)(name) as T;

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

export class Tracing {
  /** The SDK's provider, when spans leave the process (an OTLP endpoint is configured). */
  readonly provider?: TraceBase.BasicTracerProvider;
  private readonly tracer?: Tracer;
  private readonly ids?: GivenIds;
  private readonly codeNumber: (code: Code) => number;

  constructor(opts: { otlpEndpoint: string; serviceName: string; version: string; codeNumber: (code: Code) => number }) {
    this.codeNumber = opts.codeNumber;
    if (opts.otlpEndpoint === '') return;
    const sdk = load<typeof TraceBase>('@opentelemetry/sdk-trace-base');
    const { OTLPTraceExporter } = load<{ OTLPTraceExporter: typeof Exporter }>('@opentelemetry/exporter-trace-otlp-http');
    this.ids = new GivenIds(new sdk.RandomIdGenerator());
    this.provider = new sdk.BasicTracerProvider({
      resource: load<typeof Resources>('@opentelemetry/resources').resourceFromAttributes({ 'service.name': opts.serviceName, 'service.version': opts.version }),
      idGenerator: this.ids,
      spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: opts.otlpEndpoint }))],
    });
    this.tracer = this.provider.getTracer('camos', opts.version);
  }

  /** True when spans leave the process (an OTLP endpoint is configured). */
  get exporting(): boolean {
    return this.provider !== undefined;
  }

  /** Emits one finished span with exactly the given ids. */
  emit(s: SpanInput): void {
    if (!this.tracer || !this.ids || !HEX32.test(s.traceId) || !HEX16.test(s.spanId)) return;
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
        attributes: { 'camos.caller': e.caller, 'camos.door': e.door, 'camos.target': e.target, 'rpc.grpc.status_code': this.codeNumber(e.code), ...(e.taskId ? { 'camos.task_id': e.taskId } : {}) },
      });
    }
  }

  async close(): Promise<void> {
    await this.provider?.shutdown();
  }
}
