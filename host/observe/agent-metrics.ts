// Agents' own metrics (sys_emit_metric) on the kernel's Prometheus registry, beside the
// kernel's: named camos_agent_<name>, labelled with the emitting agent. Names, label names
// and label sets are checked, and the number of series per metric is capped, so that one
// agent cannot blow up /metrics.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { failedPrecondition, invalidArgument, resourceExhausted } from '../syscalls/errors.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
export const MAX_LABELS = 8;
export const MAX_LABEL_VALUE = 128;
export const PREFIX = 'camos_agent_';

interface Family {
  type: MetricType;
  labels: string[]; // sorted, "agent" first
  metric: Counter<string> | Gauge<string> | Histogram<string>;
  series: Set<string>;
}

export interface EmitMetric {
  name: string;
  value: number;
  type: MetricType;
  unit: string;
  tags: Record<string, string>;
}

export class AgentMetrics {
  private readonly families = new Map<string, Family>();

  constructor(
    private readonly registry: Registry,
    private readonly limits: { maxMetrics: number; maxSeriesPerMetric: number },
  ) {}

  /** Records a sample; returns the series id, e.g. camos_agent_jobs_total{agent="a",queue="x"}. */
  emit(agent: string, m: EmitMetric): string {
    const full = PREFIX + m.name;
    const tagNames = Object.keys(m.tags).sort();
    if (tagNames.length > MAX_LABELS) throw invalidArgument(`field 'tags' of EmitMetricRequest: at most ${MAX_LABELS} labels per metric, got ${tagNames.length}`);
    for (const t of tagNames) {
      if (!LABEL_NAME.test(t) || t.startsWith('__')) throw invalidArgument(`field 'tags' of EmitMetricRequest: label name '${t}' must match ${LABEL_NAME.source} and not start with "__"`);
      if (t === 'agent') throw invalidArgument(`field 'tags' of EmitMetricRequest: label 'agent' is reserved (the kernel sets it to the caller)`);
      if (m.tags[t].length > MAX_LABEL_VALUE) throw invalidArgument(`field 'tags' of EmitMetricRequest: the value of label '${t}' is longer than ${MAX_LABEL_VALUE} characters`);
    }
    const labels = ['agent', ...tagNames];
    let family = this.families.get(full);
    if (!family) {
      if (this.families.size >= this.limits.maxMetrics) throw resourceExhausted(`the kernel already holds ${this.limits.maxMetrics} agent metrics (telemetry.maxMetrics); reuse an existing name with labels`);
      if (this.registry.getSingleMetric(full)) throw failedPrecondition(`metric name '${full}' is taken by the kernel; choose another name`);
      family = { type: m.type, labels, metric: this.create(full, m, labels), series: new Set() };
      this.families.set(full, family);
    } else {
      if (family.type !== m.type) throw failedPrecondition(`metric '${m.name}' is a ${family.type}, not a ${m.type}; a name keeps the type it was first emitted with`);
      if (family.labels.join(',') !== labels.join(',')) {
        throw failedPrecondition(`metric '${m.name}' has labels [${family.labels.slice(1).join(', ')}], this sample has [${tagNames.join(', ')}]; every sample of a metric carries the same label names`);
      }
    }
    const values: Record<string, string> = { agent, ...m.tags };
    const seriesKey = labels.map((l) => values[l]).join('\u0000');
    if (!family.series.has(seriesKey)) {
      if (family.series.size >= this.limits.maxSeriesPerMetric) {
        throw resourceExhausted(`metric '${m.name}' already has ${this.limits.maxSeriesPerMetric} label combinations (telemetry.maxSeriesPerMetric); a label with unbounded values (ids, timestamps) does not belong on a metric`);
      }
      family.series.add(seriesKey);
    }
    if (m.type === 'counter') {
      if (m.value < 0) throw invalidArgument(`field 'value' of EmitMetricRequest: a counter only goes up; got ${m.value}`);
      (family.metric as Counter<string>).inc(values, m.value);
    } else if (m.type === 'gauge') (family.metric as Gauge<string>).set(values, m.value);
    else (family.metric as Histogram<string>).observe(values, m.value);
    return `${full}{${labels.map((l) => `${l}="${values[l]}"`).join(',')}}`;
  }

  private create(name: string, m: EmitMetric, labelNames: string[]) {
    const help = `Emitted by agents through sys_emit_metric${m.unit ? ` (unit: ${m.unit})` : ''}`;
    const common = { name, help, labelNames, registers: [this.registry] };
    if (m.type === 'counter') return new Counter(common);
    if (m.type === 'gauge') return new Gauge(common);
    return new Histogram(common);
  }
}
