// A hybrid logical clock (Kulkarni et al.): wall-clock milliseconds and a counter, always
// later than every clock this node has written or seen, so that a version written here
// orders after every version it could have read. Printed fixed-width, so that text order
// is clock order.
const FORMAT = /^(\d{15})\.(\d{6})$/;
const MAX_COUNTER = 999_999;

export function formatHlc(pt: number, lc: number): string {
  return `${String(pt).padStart(15, '0')}.${String(lc).padStart(6, '0')}`;
}

/** [wall ms, counter], or undefined for anything that is not a clock. */
export function parseHlc(hlc: string): [number, number] | undefined {
  const m = FORMAT.exec(hlc);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export class HybridClock {
  private pt = 0;
  private lc = 0;

  constructor(private readonly wall: () => number = Date.now) {}

  /** A new clock, later than every one before. */
  next(): string {
    const now = this.wall();
    if (now > this.pt) {
      this.pt = now;
      this.lc = 0;
    } else if (++this.lc > MAX_COUNTER) {
      this.pt++;
      this.lc = 0;
    }
    return formatHlc(this.pt, this.lc);
  }

  /** Takes in a clock seen (a peer's version, or our own from before a restart). */
  observe(hlc: string): void {
    const t = parseHlc(hlc);
    if (!t) return;
    if (t[0] > this.pt || (t[0] === this.pt && t[1] > this.lc)) [this.pt, this.lc] = t;
  }
}
