// The kernel's Prometheus metrics: per-syscall calls, errors and latency.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { codeName, type Code } from '../base/errors.ts';

export class KernelMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'syscall' | 'code'>;
  private readonly errors: Counter<'syscall' | 'code'>;
  private readonly latency: LatencyHistogram;
  // Label children cached per syscall: prom-client's label lookup is the slow part.
  private readonly children = new Map<string, { ok: Counter.Internal; latency: Float64Array }>();
  private readonly exposed: (() => string)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'camos_process_' });
    this.calls = new Counter({ name: 'camos_syscalls_total', help: 'Syscalls handled, by syscall and status code', labelNames: ['syscall', 'code'], registers: [this.registry] });
    this.errors = new Counter({ name: 'camos_syscall_errors_total', help: 'Syscalls that ended with a non-OK status', labelNames: ['syscall', 'code'], registers: [this.registry] });
    this.latency = new LatencyHistogram(
      'camos_syscall_duration_seconds',
      'Time from authentication to answer, per syscall',
      [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
    );
    this.registry.registerMetric(this.latency as never);
  }

  observe(syscall: string, code: Code, seconds: number): void {
    let c = this.children.get(syscall);
    if (!c) {
      c = { ok: this.calls.labels(syscall, 'OK'), latency: this.latency.series(syscall) };
      this.children.set(syscall, c);
    }
    this.latency.observe(c.latency, seconds);
    if (code === 'ok') c.ok.inc();
    else {
      const name = codeName(code);
      this.calls.labels(syscall, name).inc();
      this.errors.labels(syscall, name).inc();
    }
  }

  /** Adds text written by another part of the kernel (agents' metrics) to every scrape. */
  expose(text: () => string): void {
    this.exposed.push(text);
  }

  async text(): Promise<string> {
    return (await this.registry.metrics()) + this.exposed.map((t) => t()).join('');
  }
}

/** A metric as prom-client's Registry reads it (getForPromString, and get for JSON). */
interface Exported {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: { labels: Record<string, string | number>; sharedLabels?: Record<string, string>; value: number; metricName: string }[];
}

/**
 * A Prometheus histogram with one label (syscall), in the exposition prom-client's
 * Histogram gives, registered in the same registry. prom-client's own observe() hashes
 * the labels and keys its buckets by the bound's decimal string, a few microseconds a
 * call; this one counts into a typed array per syscall.
 */
class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Per syscall: [count per bucket..., count above the last bound, sum]. */
  private readonly data = new Map<string, Float64Array>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: number[],
  ) {}

  series(syscall: string): Float64Array {
    let d = this.data.get(syscall);
    if (!d) this.data.set(syscall, (d = new Float64Array(this.bounds.length + 2)));
    return d;
  }

  observe(d: Float64Array, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    d[i]++;
    d[bounds.length + 1] += seconds;
  }

  // What prom-client's Registry reads: bucket lines are cumulative, with `le` first.
  async getForPromString(): Promise<Exported> {
    const values: Exported['values'] = [];
    const n = this.bounds.length;
    for (const [syscall, d] of this.data) {
      const sharedLabels = { syscall };
      let acc = 0;
      for (let i = 0; i < n; i++) values.push({ labels: { le: this.bounds[i] }, sharedLabels, value: (acc += d[i]), metricName: `${this.name}_bucket` });
      const count = acc + d[n];
      values.push({ labels: { le: '+Inf' }, sharedLabels, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels, value: d[n + 1], metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** The JSON form (Registry.getMetricsAsJSON): the syscall label merged into each value's labels. */
  async get(): Promise<Exported> {
    const m = await this.getForPromString();
    return { ...m, values: m.values.map(({ sharedLabels, ...v }) => ({ ...v, labels: { ...v.labels, ...sharedLabels } })) };
  }

  /** Registry.resetMetrics(). */
  reset(): void {
    this.data.clear();
  }
}
