// The trace store: agents' own spans (sys_emit_trace) in the audit database, beside the
// kernel's syscall spans, which are the audit records themselves (each holds its trace
// id, span id, parent and duration). A trace is both, ordered by start time.
import type { Code } from '../base/errors.ts';
import type { AuditLog, AuditScope, Db } from '../audit/index.ts';

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  operation: string;
  /** Start, unix ms. */
  timestamp: number;
  /** Milliseconds. */
  duration: number;
  tags: Record<string, string>;
  status: string;
  source: 'kernel' | 'agent';
}

type SpanRow = { trace_id: string; span_id: string; parent_span_id: string | null; operation: string; start_ms: number; duration_ms: number; status: string; tags: string; agent: string };

const INSERT_SPAN = 'INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, operation, start_ms, duration_ms, status, tags, agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

export class SpanStore {
  private readonly byTrace;

  constructor(
    db: Db,
    private readonly audit: AuditLog,
    private readonly codeNumber: (code: Code) => number,
  ) {
    this.byTrace = db.prepare('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ms LIMIT 10000');
  }

  /** Stores an agent's span, in the audit log's next batch (with the record of the call that emits it); the agent id is kept as the tag "agent". */
  add(span: Omit<SpanRecord, 'source'>, agent: string): void {
    this.audit.alsoWrite(INSERT_SPAN, [span.traceId, span.spanId, span.parentSpanId || null, span.operation, span.timestamp, span.duration, span.status, JSON.stringify(span.tags), agent]);
  }

  /** The spans of a trace the scope lets through: kernel spans of visible records, agents' spans of visible callers. */
  trace(traceId: string, scope: AuditScope): SpanRecord[] {
    const kernel: SpanRecord[] = this.audit.query({ traceId, scope, limit: 10_000 }).records.map((r) => ({
      traceId: r.traceId,
      spanId: r.spanId,
      parentSpanId: r.parentSpanId ?? '',
      operation: r.syscall,
      timestamp: Math.round(r.time - r.durationUs / 1000),
      duration: r.durationUs / 1000,
      tags: {
        caller: r.caller,
        door: r.door,
        target: r.target,
        outcome: r.outcome,
        code: String(this.codeNumber(r.code)),
        request_id: r.requestId,
        audit_seq: String(r.seq),
        ...(r.taskId ? { task_id: r.taskId } : {}),
      },
      status: r.outcome === 'ok' ? 'ok' : 'error',
      source: 'kernel',
    }));
    const rows = (this.byTrace.all(traceId) as SpanRow[]).filter((s) => scope.all || scope.callers.includes(s.agent));
    const agent: SpanRecord[] = rows.map((s) => ({
      traceId: s.trace_id,
      spanId: s.span_id,
      parentSpanId: s.parent_span_id ?? '',
      operation: s.operation,
      timestamp: s.start_ms,
      duration: s.duration_ms,
      tags: { ...JSON.parse(s.tags), agent: s.agent },
      status: s.status,
      source: 'agent',
    }));
    return [...kernel, ...agent].sort((a, b) => a.timestamp - b.timestamp);
  }
}
