// Calls refused while their caller is unknown (no token, a wrong one, or an open call with
// bad metadata), counted per source (a remote address). Each source's first
// `perMinute` such calls in a minute are answered as they are and audited one by one; past
// that they are refused with RESOURCE_EXHAUSTED and only counted, and one audit record per
// source sums them up when the minute ends. So a caller without a token cannot fill the
// audit log, and the log still shows that it tried, how often and at what.
import type { AuditEntry, Door } from '../contract/index.ts';

/** Sources followed at once; past it, new ones share one allowance under this name. */
const MAX_SOURCES = 1024;
export const OTHER_SOURCES = '*';
const WINDOW_MS = 60_000;

interface Tally {
  refused: number;
  /** Refused past the allowance: not audited one by one. */
  unrecorded: number;
  syscalls: Map<string, number>;
  doors: Map<Door, number>;
  first: number;
  last: number;
}

export interface RefusalsOptions {
  perMinute: number;
  /** Writes the summaries (the kernel's audit sink). */
  record(entry: AuditEntry): void;
  now?: () => number;
}

export class Refusals {
  private tallies = new Map<string, Tally>();
  private windowStart: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: RefusalsOptions) {
    this.now = opts.now ?? Date.now;
    this.windowStart = this.now();
    this.timer = setInterval(() => this.roll(), WINDOW_MS).unref();
  }

  /**
   * Counts a refused call from `source`; true while the source is within its allowance for
   * this minute (answer and audit the call as usual), false past it.
   */
  admit(source: string, syscall: string, door: Door): boolean {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) this.roll();
    const key = this.tallies.has(source) || this.tallies.size < MAX_SOURCES ? source : OTHER_SOURCES;
    let t = this.tallies.get(key);
    if (!t) this.tallies.set(key, (t = { refused: 0, unrecorded: 0, syscalls: new Map(), doors: new Map(), first: now, last: now }));
    t.refused++;
    t.last = now;
    if (t.refused <= this.opts.perMinute) return true;
    t.unrecorded++;
    t.syscalls.set(syscall, (t.syscalls.get(syscall) ?? 0) + 1);
    t.doors.set(door, (t.doors.get(door) ?? 0) + 1);
    return false;
  }

  /** When the current minute ends (the allowances start again). */
  get resetsAt(): number {
    return this.windowStart + WINDOW_MS;
  }

  health() {
    let unrecorded = 0;
    for (const t of this.tallies.values()) unrecorded += t.unrecorded;
    return { status: 'ok' as const, details: { refused_sources_this_minute: String(this.tallies.size), refused_unrecorded_this_minute: String(unrecorded) } };
  }

  /** Writes the summaries of the minute so far (at shutdown). */
  close(): void {
    clearInterval(this.timer);
    this.roll();
  }

  /** Ends the minute: one audit record per source that went past its allowance. */
  private roll(): void {
    const tallies = this.tallies;
    this.tallies = new Map();
    this.windowStart = this.now();
    for (const [source, t] of tallies) {
      if (!t.unrecorded) continue;
      this.opts.record({
        time: t.last,
        caller: 'anonymous',
        callerKind: 'anonymous',
        syscall: 'auth.refused',
        door: 'kernel',
        target: `Source::${source}`,
        outcome: 'denied',
        code: 'resource_exhausted', // as each of them was answered
        message: `${t.unrecorded} calls from ${source === OTHER_SOURCES ? 'sources past the first ' + MAX_SOURCES : source} were refused without a record of their own: more than auth.failedPerMinute (${this.opts.perMinute}) refused calls without a valid token in a minute`,
        requestId: '',
        traceId: '',
        spanId: '',
        durationUs: 0,
        evidence: { source, refused: t.refused, unrecorded: t.unrecorded, from: t.first, to: t.last, syscalls: Object.fromEntries(t.syscalls), doors: Object.fromEntries(t.doors) },
      });
    }
  }
}
