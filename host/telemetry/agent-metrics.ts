// Agents' own metrics (sys_emit_metric) on /metrics, beside the kernel's: named
// camos_agent_<name>, labelled with the emitting agent. Names, label names and label sets
// are checked, and series are capped per metric, per agent and in all, so that one agent
// can neither blow up /metrics (a scrape's cost grows with the series) nor take the room
// the others need. They are kept and written out here rather than as prom-client metrics:
// its registry formats and escapes every label of every series at each scrape, about 3 µs
// a series against 0.3 µs for a line whose labels were written once (bench/metrics.ts:
// 62 against 9.3 ms a scrape at 20,000 series).
import type { Registry } from 'prom-client';
import { failedPrecondition, invalidArgument, resourceExhausted } from '../base/errors.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
export const MAX_LABELS = 8;
export const MAX_LABEL_VALUE = 128;
export const PREFIX = 'camos_agent_';
/** Prometheus's usual buckets (prom-client's default), in seconds. */
const HISTOGRAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * The Prometheus series one label set of each type adds to a scrape: a histogram's are its
 * buckets, +Inf, _sum and _count.
 */
const SERIES_PER_LABEL_SET: Record<MetricType, number> = { counter: 1, gauge: 1, histogram: HISTOGRAM_BUCKETS.length + 3 };

interface Series {
  /** `agent="a",queue="x"`: escaped once, when the series is made. */
  labels: string;
  /** A counter's total or a gauge's value; a histogram's sum. */
  value: number;
  /** A histogram's count per bucket (not cumulative), then the count above the last bound. */
  buckets?: Float64Array;
}

interface Family {
  type: MetricType;
  labels: string[]; // sorted, "agent" first
  help: string;
  series: Map<string, Series>;
}

export interface EmitMetric {
  name: string;
  value: number;
  type: MetricType;
  unit: string;
  tags: Record<string, string>;
}

export interface AgentMetricLimits {
  /** Distinct metric names, all agents together. */
  maxMetrics: number;
  /** Label sets of one metric. */
  maxSeriesPerMetric: number;
  /** Prometheus series one agent's samples make. */
  maxSeriesPerAgent: number;
  /** Prometheus series all agents' samples make together: bounds what a scrape costs. */
  maxSeries: number;
}

export class AgentMetrics {
  private readonly families = new Map<string, Family>();
  /** Prometheus series per agent, and in all. */
  private readonly held = new Map<string, number>();
  private total = 0;

  constructor(
    /** The kernel's own metrics, whose names agents may not take. */
    private readonly registry: Registry,
    private readonly limits: AgentMetricLimits,
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
    if (m.type === 'counter' && m.value < 0) throw invalidArgument(`field 'value' of EmitMetricRequest: a counter only goes up; got ${m.value}`);
    const labels = ['agent', ...tagNames];
    let family = this.families.get(full);
    if (family) {
      if (family.type !== m.type) throw failedPrecondition(`metric '${m.name}' is a ${family.type}, not a ${m.type}; a name keeps the type it was first emitted with`);
      if (family.labels.join(',') !== labels.join(',')) {
        throw failedPrecondition(`metric '${m.name}' has labels [${family.labels.slice(1).join(', ')}], this sample has [${tagNames.join(', ')}]; every sample of a metric carries the same label names`);
      }
    } else {
      if (this.families.size >= this.limits.maxMetrics) throw resourceExhausted(`the kernel already holds ${this.limits.maxMetrics} agent metrics (telemetry.maxMetrics); reuse an existing name with labels`);
      if (this.registry.getSingleMetric(full)) throw failedPrecondition(`metric name '${full}' is taken by the kernel; choose another name`);
    }
    const values: Record<string, string> = { agent, ...m.tags };
    const seriesKey = labels.map((l) => values[l]).join('\u0000');
    let series = family?.series.get(seriesKey);
    if (!series) {
      this.admit(agent, m, family);
      if (!family) {
        family = { type: m.type, labels, help: `Emitted by agents through sys_emit_metric${m.unit ? ` (unit: ${m.unit})` : ''}`, series: new Map() };
        this.families.set(full, family);
      }
      series = { labels: labels.map((l) => `${l}="${escapeLabel(values[l])}"`).join(','), value: 0, buckets: m.type === 'histogram' ? new Float64Array(HISTOGRAM_BUCKETS.length + 1) : undefined };
      family.series.set(seriesKey, series);
    }
    if (m.type === 'gauge') series.value = m.value;
    else series.value += m.value;
    if (series.buckets) {
      let i = 0;
      while (i < HISTOGRAM_BUCKETS.length && m.value > HISTOGRAM_BUCKETS[i]) i++;
      series.buckets[i]++;
    }
    return `${full}{${series.labels}}`;
  }

  /** The Prometheus text exposition of every agent metric, as prom-client writes its own. */
  text(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`\n# HELP ${name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${f.type}\n`);
      for (const s of f.series.values()) {
        if (!s.buckets) {
          out.push(`${name}{${s.labels}} ${number(s.value)}\n`);
          continue;
        }
        let acc = 0;
        for (let i = 0; i < HISTOGRAM_BUCKETS.length; i++) out.push(`${name}_bucket{le="${HISTOGRAM_BUCKETS[i]}",${s.labels}} ${(acc += s.buckets[i])}\n`);
        acc += s.buckets[HISTOGRAM_BUCKETS.length];
        out.push(`${name}_bucket{le="+Inf",${s.labels}} ${acc}\n${name}_sum{${s.labels}} ${number(s.value)}\n${name}_count{${s.labels}} ${acc}\n`);
      }
    }
    return out.join('');
  }

  /** Counts a new label set against its metric, its agent and the kernel, or refuses it. */
  private admit(agent: string, m: EmitMetric, family: Family | undefined): void {
    const cost = SERIES_PER_LABEL_SET[m.type];
    const what = m.type === 'histogram' ? `a histogram's label set is ${cost} series (${HISTOGRAM_BUCKETS.length} buckets, +Inf, _sum, _count)` : 'each label set is a series';
    if (family && family.series.size >= this.limits.maxSeriesPerMetric) {
      throw resourceExhausted(`metric '${m.name}' already has ${this.limits.maxSeriesPerMetric} label combinations (telemetry.maxSeriesPerMetric); a label with unbounded values (ids, timestamps) does not belong on a metric`);
    }
    const held = this.held.get(agent) ?? 0;
    if (held + cost > this.limits.maxSeriesPerAgent) {
      throw resourceExhausted(`agent '${agent}' already holds ${held} metric series and may hold ${this.limits.maxSeriesPerAgent} (telemetry.maxSeriesPerAgent; ${what}); keep emitting to the label sets it has`);
    }
    if (this.total + cost > this.limits.maxSeries) {
      throw resourceExhausted(`agents' metrics already make ${this.total} series, the kernel's limit is ${this.limits.maxSeries} (telemetry.maxSeries; ${what}); keep emitting to existing label sets`);
    }
    this.held.set(agent, held + cost);
    this.total += cost;
  }

}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
/** As Prometheus writes a sample value (a counter's sum may overflow to infinity). */
const number = (v: number) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));
