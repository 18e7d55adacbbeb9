// Per-agent quota: a token bucket of `burst` tokens refilled at `rate` per second.
export interface BucketState {
  tokens: number;
  rate: number;
  burst: number;
  /** Time until one whole token is available (0 when one is). */
  refillInMs: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives a token back (the task it paid for was refused later). */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** New limits keep the tokens already earned, up to the new burst. */
  resize(rate: number, burst: number, now: number): void {
    this.refill(now);
    this.rate = rate;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  state(now: number): BucketState {
    this.refill(now);
    const refillInMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
    return { tokens: Math.floor(this.tokens * 1000) / 1000, rate: this.rate, burst: this.burst, refillInMs };
  }

  private refill(now: number): void {
    if (this.rate === Infinity) {
      this.tokens = this.burst; // unlimited (the admin)
      return;
    }
    // A caller may pass a time read before the bucket was made: time never runs backwards here.
    if (now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
