// A driver's call outcomes since load: errors counted, durations of the last WINDOW calls
// kept in a ring, so that p50 and p99 follow what the driver does now at a fixed cost.
const WINDOW = 1024;

export class CallStats {
  errors = 0;
  private readonly durations = new Float64Array(WINDOW);
  private n = 0;

  record(durationMs: number, ok: boolean): void {
    if (!ok) this.errors++;
    this.durations[this.n++ % WINDOW] = durationMs;
  }

  /** p50 and p99 in ms over the window (0 before the first call). */
  percentiles(): { p50Ms: number; p99Ms: number } {
    const kept = this.durations.slice(0, Math.min(this.n, WINDOW)).sort();
    const at = (q: number) => (kept.length ? kept[Math.min(kept.length - 1, Math.floor(q * kept.length))] : 0);
    return { p50Ms: at(0.5), p99Ms: at(0.99) };
  }
}
