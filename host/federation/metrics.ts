// camos_federation_* series, in the kernel's Prometheus registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export class FederationMetrics {
  readonly connected: Gauge;
  readonly pending: Gauge;
  readonly lag: Gauge;
  readonly published: Counter;
  readonly applied: Counter;
  readonly conflicts: Counter;
  readonly casLost: Counter;
  readonly refused: Counter<'reason'>;
  readonly lagSeconds: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.connected = new Gauge({ name: 'camos_federation_connected', help: '1 while this kernel is connected to NATS JetStream', registers });
    this.pending = new Gauge({ name: 'camos_federation_pending_publishes', help: 'Versions written here and not yet in the stream (the outbox)', registers });
    this.lag = new Gauge({ name: 'camos_federation_lag_messages', help: 'Messages in the context stream not yet applied here', registers });
    this.published = new Counter({ name: 'camos_federation_published_total', help: 'Versions this kernel published', registers });
    this.applied = new Counter({ name: 'camos_federation_applied_total', help: "Peers' versions applied here", registers });
    this.conflicts = new Counter({ name: 'camos_federation_conflicts_total', help: 'Concurrent versions of a key seen here (both kept; the older marked conflict)', registers });
    this.casLost = new Counter({ name: 'camos_federation_cas_lost_total', help: 'Compare-and-set writes that lost a race to another kernel (ABORTED)', registers });
    this.refused = new Counter({ name: 'camos_federation_refused_total', help: 'Messages refused, by reason (malformed, unsigned, unknown-node, bad-signature, hash-mismatch, replay, ...)', labelNames: ['reason'], registers });
    this.lagSeconds = new Histogram({
      name: 'camos_federation_replication_lag_seconds',
      help: "A peer's version: from its write there to its application here",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 60],
      registers,
    });
  }
}
