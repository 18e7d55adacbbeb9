// Dispatch: keeps as many tasks running as the runner takes, each with its context writes
// staged; commits them when it succeeds, retries it or fails it when it does not.
import type { ContextStore, Staging } from '../context/index.ts';
import { deadlineExceeded, failedPrecondition, SyscallError, unavailable } from '../base/errors.ts';
import type { AuditSink } from '../contract/index.ts';
import type { SchedulerConfig } from './config.ts';
import type { Queues } from './queues.ts';
import { TaskSignal } from './signal.ts';
import type { Lifecycle, TaskRecord, TaskRunner } from './task.ts';

export class Dispatcher {
  /** Tasks running now. */
  running = 0;
  private pumpScheduled = false;

  constructor(
    private readonly cfg: SchedulerConfig,
    private readonly queues: Queues,
    private readonly life: Lifecycle,
    private readonly deps: {
      runner: () => TaskRunner | undefined;
      context: () => ContextStore | undefined;
      audit: () => AuditSink;
      clock: () => number;
    },
  ) {}

  /** Tasks run at once: scheduler.concurrency, or as many as the runner takes. */
  concurrency(): number {
    return this.cfg.concurrency || this.deps.runner()?.capacity || 1;
  }

  /** Starts queued tasks, once the current job is done (a burst of submissions is one pump). */
  schedule(): void {
    if (this.pumpScheduled || this.life.closed) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const limit = this.concurrency();
    while (!this.life.closed && this.running < limit && this.queues.size > 0) this.start(this.queues.pick());
  }

  private start(r: TaskRecord): void {
    const runner = this.deps.runner();
    const now = this.deps.clock();
    const timeoutMs = Math.min(this.cfg.taskTimeoutMs, r.spec.deadline ? r.spec.deadline - now : Infinity);
    if (!runner || timeoutMs <= 0) {
      const e = !runner ? failedPrecondition('the driver runtime is not available') : deadlineExceeded(`task '${r.id}' missed its deadline while queued`);
      r.error = e.message;
      this.life.addLoad(r.handler, -1);
      this.life.finish(r, 'failed', { driver: r.handler, attempt: r.attempts, error: r.error, code: e.code });
      return;
    }
    if (r.attempts === 0) r.queueWaitMs = performance.now() - r.queuedHr;
    r.attempts++;
    r.startedAt = now;
    this.running++;
    this.life.setState(r, 'running');
    this.life.event('task.dispatched', r, { driver: r.handler, attempt: r.attempts, queueWaitMs: performance.now() - r.queuedHr });
    const staging = this.deps.context()?.begin(r.id, r.agentId);
    const controller = (r.controller = new TaskSignal());
    let result: Promise<{ output: Uint8Array; driver: string; durationMs: number }>;
    try {
      result = runner.invoke(r.handler, r.spec.payload, { staging, timeoutMs, signal: controller, caller: r.agentId, taskId: r.id });
    } catch (e) {
      result = Promise.reject(e);
    }
    result.then(
      (out) => this.settle(r, staging, undefined, true, out),
      (err) => this.settle(r, staging, err, !r.spec.deadline || r.spec.deadline > this.deps.clock()),
    );
  }

  private settle(
    r: TaskRecord,
    staging: Staging | undefined,
    err: unknown,
    mayRetry: boolean,
    out?: { output: Uint8Array; driver: string; durationMs: number },
  ): void {
    this.running--;
    r.controller = undefined;
    if (r.state !== 'running') {
      // Cancelled (rollback, shutdown) while the driver ran: nothing of it is kept.
      staging?.discard();
      this.schedule();
      return;
    }
    if (out) {
      try {
        // A change the audit log cannot record is not made (docs/audit.md).
        const refusal = staging && this.deps.audit().refusal();
        if (refusal) throw unavailable(`task '${r.id}': its writes are not committed: ${refusal}`);
        r.writes = staging?.commit() ?? [];
        r.output = out.output;
        this.life.addLoad(r.handler, -1);
        this.life.finish(r, 'succeeded', { driver: out.driver, attempt: r.attempts, durationMs: out.durationMs, keysWritten: r.writes.map((w) => `${w.namespace}/${w.key}`) });
        this.schedule();
        return;
      } catch (e) {
        err = e;
      }
    } else staging?.discard();
    r.error = err instanceof Error ? err.message : String(err);
    const code = err instanceof SyscallError ? err.code : 'unknown';
    if (mayRetry && !this.life.closed && r.attempts <= r.spec.maxRetries) {
      this.life.event('task.retried', r, { driver: r.handler, attempt: r.attempts, error: r.error, code });
      this.life.requeue(r);
    } else {
      this.life.addLoad(r.handler, -1);
      this.life.finish(r, 'failed', { driver: r.handler, attempt: r.attempts, error: r.error, code });
    }
    this.schedule();
  }
}
