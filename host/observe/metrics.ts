// The kernel's Prometheus metrics: per-syscall calls, errors and latency.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { codeName } from '../syscalls/errors.ts';

export class KernelMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'syscall' | 'code'>;
  private readonly errors: Counter<'syscall' | 'code'>;
  private readonly latency: Histogram<'syscall'>;
  // Label children cached per syscall: prom-client's label lookup is the slow part.
  private readonly children = new Map<string, { ok: Counter.Internal; latency: Histogram.Internal<'syscall'> }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'camos_process_' });
    this.calls = new Counter({ name: 'camos_syscalls_total', help: 'Syscalls handled, by syscall and status code', labelNames: ['syscall', 'code'], registers: [this.registry] });
    this.errors = new Counter({ name: 'camos_syscall_errors_total', help: 'Syscalls that ended with a non-OK status', labelNames: ['syscall', 'code'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'camos_syscall_duration_seconds',
      help: 'Time from authentication to answer, per syscall',
      labelNames: ['syscall'],
      buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
      registers: [this.registry],
    });
  }

  observe(syscall: string, code: number, seconds: number): void {
    let c = this.children.get(syscall);
    if (!c) {
      c = { ok: this.calls.labels(syscall, 'OK'), latency: this.latency.labels(syscall) };
      this.children.set(syscall, c);
    }
    c.latency.observe(seconds);
    if (code === 0) c.ok.inc();
    else {
      const name = codeName(code);
      this.calls.labels(syscall, name).inc();
      this.errors.labels(syscall, name).inc();
    }
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
