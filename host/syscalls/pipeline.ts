// The one path every syscall takes, whatever door it came in by:
//   decode -> authenticate -> validate -> authorize -> handle -> audit -> observe
// Decoding belongs to the door (proto, JSON, plain object); the rest happens here.
import type { z } from 'zod';
import type { Services } from './services.ts';
import { SyscallError, internal, invalidArgument, permissionDenied, quoted, resourceExhausted, storageFault, unauthenticated, unavailable, type Code } from '../base/errors.ts';
import { nextRequestId, randomHex, timeOrderedHex } from '../base/ids.ts';
import { metadataProblem } from './metadata.ts';
import type { AuditEntry, Door, Principal } from '../contract/index.ts';
import type { CallContext, SyscallRow } from './types.ts';

export interface CallMeta {
  door: Door;
  /** Bearer token as sent (with or without the "Bearer " prefix). */
  token?: string;
  /** An already-trusted principal (in-process embedding). */
  principal?: Principal;
  requestId?: string;
  /** W3C traceparent header, honoured when present. */
  traceparent?: string;
  deadline?: number;
  taskId?: string;
  /** Where the call came from (the remote address, for network doors): refused calls without a valid token are counted per source. */
  source?: string;
}

const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', kind: 'anonymous' }) as Principal;

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export async function invoke(services: Services, row: SyscallRow, request: unknown, meta: CallMeta): Promise<unknown> {
  const started = performance.now();
  // Metadata the kernel refuses is not used, not even in the call's audit record.
  const problem = metadataProblem(meta);
  const tp = !problem && meta.traceparent ? TRACEPARENT.exec(meta.traceparent.trim()) : null;
  const call: CallContext = {
    services,
    caller: ANONYMOUS,
    syscall: row.name,
    door: meta.door,
    requestId: (!problem && meta.requestId) || nextRequestId(),
    traceId: tp ? tp[1] : timeOrderedHex(16),
    spanId: randomHex(8),
    parentSpanId: tp ? tp[2] : undefined,
    deadline: meta.deadline,
    evidence: {},
    taskId: meta.taskId,
  };
  let code: Code = 'ok';
  let message: string | undefined;
  let outcome: AuditEntry['outcome'] = 'ok';
  let policies: string[] | undefined;
  let target = '';
  let result: unknown;
  let changes = true;
  let audited = true;
  try {
    call.caller = authenticate(services, row, request, meta);
    if (problem) throw problem;
    const req = validate(row, request);
    changes = !row.readOnly?.(req);
    const resource = row.resource(req, call);
    target = `${resource.type}::${resource.id}`;
    const decision = await services.authorizer.authorize({ principal: call.caller, action: row.action, resource, syscall: row.name, request: req });
    policies = decision.policies;
    if (!decision.allowed) {
      outcome = 'denied';
      throw permissionDenied(decision.reason || `${call.caller.id} may not ${row.action} on ${target}`);
    }
    // A change the audit log cannot record is not made.
    const refusal = changes ? services.auditSink.refusal() : undefined;
    if (refusal) throw unavailable(`${row.name} is refused: ${refusal}`);
    result = await row.handle(req, call);
  } catch (err) {
    let e = toSyscallError(services, row, call, err);
    // A caller without a valid token is audited one call at a time only up to an allowance per source.
    const source = meta.source ?? meta.door;
    if (call.caller.kind === 'anonymous' && !services.refusals.admit(source, row.name, meta.door)) {
      audited = false;
      e = resourceExhausted(
        `too many refused calls without a valid token from ${source} this minute (auth.failedPerMinute = ${services.config.auth.failedPerMinute}); ` +
          `until ${new Date(services.refusals.resetsAt).toISOString()} they are refused and only counted; send a valid bearer token (\`camos token create --agent <id>\`)`,
      );
    }
    code = e.code;
    message = e.message;
    if (outcome === 'ok') outcome = 'error';
    if (e.details) Object.assign(call.evidence, e.details);
    throw e;
  } finally {
    const durationUs = (performance.now() - started) * 1000;
    if (audited) services.auditSink.record({
      time: Date.now(),
      caller: call.caller.id,
      callerKind: call.caller.kind,
      syscall: row.name,
      door: call.door,
      target,
      outcome,
      code,
      message,
      requestId: call.requestId,
      traceId: call.traceId,
      spanId: call.spanId,
      parentSpanId: call.parentSpanId,
      taskId: call.taskId,
      durationUs,
      policies,
      evidence: call.evidence,
    });
    services.metrics.observe(row.name, code, durationUs / 1e6);
  }
  // The record of a change is on disk before the change is acknowledged (docs/audit.md).
  if (changes) {
    await services.auditSink.committed().catch((e: SyscallError) => {
      throw unavailable(`${row.name} was done, but its audit record is not on disk (${e.message}); it stays, and its record is written once the log can be`);
    });
  }
  return result;
}

function authenticate(services: Services, row: SyscallRow, request: unknown, meta: CallMeta): Principal {
  if (meta.principal) return meta.principal;
  if (meta.token) {
    const principal = services.identity.authenticate(meta.token);
    if (principal) return principal;
    throw unauthenticated('the bearer token is not valid (unknown or revoked); create one with `camos token create --agent <id>`');
  }
  if (row.open?.(request as never)) return ANONYMOUS;
  throw unauthenticated(`${row.name} needs a bearer token in the "authorization" header (the admin token is in <data-dir>/admin.token)`);
}

function validate(row: SyscallRow, request: unknown): unknown {
  const parsed = row.schema.safeParse(request ?? {});
  if (parsed.success) return parsed.data;
  throw invalidArgument(describeIssues(row.rpc, parsed.error));
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** "field 'task.priority_dimensions.urgency' of ArbitrateRequest: Too big: expected number to be <=1" */
export function describeIssues(message: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : snake(String(p)))).join('.').replace(/\.\[/g, '[');
      return path ? `field '${quoted(path)}' of ${message}Request: ${i.message}` : `${message}Request: ${i.message}`;
    })
    .join('; ');
}

function toSyscallError(services: Services, row: SyscallRow, call: CallContext, err: unknown): SyscallError {
  if (err instanceof SyscallError) return err;
  // A full disk or a faulty file in whatever store the handler wrote (tokens, agents, policies).
  const fault = storageFault(err, `a file in ${services.dataDir}`);
  if (fault) {
    services.log.warn({ err, requestId: call.requestId, syscall: row.name }, fault.message);
    return fault;
  }
  // A handler that throws anything else is a bug: the stack goes to the log only.
  services.log.error({ err, requestId: call.requestId, syscall: row.name }, 'syscall handler failed');
  return internal(`internal error in ${row.name} (correlation id ${call.requestId}); the kernel log has the details`);
}
