// The NATS connection of the work queue and the questions: its own, beside the replicator's,
// so that a long task or a burst of questions never waits behind the context stream's
// traffic. Connects in the background with backoff; `ready` resolves once connected.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { FederationConfig } from './config.ts';
import { natsOptions } from './connection.ts';

export class MeshLink {
  nc?: NatsConnection;
  closed = false;
  lastError = '';
  private up = false;
  readonly ready: Promise<NatsConnection>;
  private resolve!: (nc: NatsConnection) => void;

  constructor(
    private readonly config: FederationConfig,
    private readonly nodeId: string,
    private readonly log: { warn(o: object, m: string): void },
  ) {
    this.ready = new Promise((r) => (this.resolve = r));
  }

  start(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    for (let backoff = 250; !this.closed; backoff = Math.min(backoff * 2, 5000)) {
      try {
        const nc = await connect(natsOptions(this.config, `camos-${this.nodeId}-mesh`));
        if (this.closed) return void nc.close();
        this.nc = nc;
        this.up = true;
        void this.watch(nc);
        this.resolve(nc);
        return;
      } catch (e) {
        this.lastError = (e as Error).message;
        this.log.warn({ err: e }, `federation: the work and question link cannot connect to ${this.config.url}; retrying`);
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  /** Connected now: a caller that must not wait (a commit) checks this first. */
  connected(): boolean {
    return this.up && !this.closed;
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.up = false;
      else if (s.type === 'reconnect') this.up = true;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.nc?.drain().catch(() => this.nc?.close());
  }
}
