// The NATS side of federation: one connection, the context stream, a publisher that empties
// the store's outbox into it, an ordered consumer that applies every peer's versions, and
// compare-and-set decided by the stream's per-subject sequence. The only file that imports
// NATS; host/federation/index.ts loads it when the config has a federation section.
import { createHash } from 'node:crypto';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DeliverPolicy, JetStreamApiError, StorageType, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { ContextReplica, ReplicatedVersion, VersionInfo, WriteOptions } from '../context/index.ts';
import type { KeyStore } from '../crypto/index.ts';
import { SyscallError, aborted, unavailable } from '../base/errors.ts';
import type { FederationConfig } from './config.ts';
import { natsOptions } from './connection.ts';
import { Refused, VerifiedBatches, claimed, open, openSnapshot, seal, sealSnapshot, type Sealed } from './envelope.ts';
import type { HybridClock } from './hlc.ts';
import type { FederationMetrics } from './metrics.ts';
import { HEADER, contextStream, contextSubject, contextSubjects, messageId, snapshotSubject } from './subjects.ts';
import type { TrustList } from './trust.ts';

/** Versions signed (one signature) and sent at a time; every message carries the batch's manifest, 32 bytes a version. */
const OUTBOX_BATCH = 64;
/** While writes keep coming, how long the publisher waits for a batch to fill: a signature per batch, not per write. */
const LINGER_MS = 2;
const WRONG_LAST_SEQUENCE = 10071;
/** The signed headers of a message (meta, its batch's manifest, a 3.3 KB ML-DSA-65 signature, all in base64, ids), with room. */
const ENVELOPE_BYTES = 16 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ReplicatorOptions {
  config: FederationConfig;
  nodeId: string;
  keys: KeyStore;
  trust: TrustList;
  replica: ContextReplica;
  clock: HybridClock;
  metrics: FederationMetrics;
  /** context.maxValueBytes: the largest value a message may have to carry. */
  maxValueBytes: number;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
  /** A fact for the audit log (a conflict seen, a message refused). */
  event(syscall: string, target: string, evidence: Record<string, unknown>, outcome?: 'ok' | 'error'): void;
}

export class Replicator {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private connected = false;
  private closed = false;
  private publishing = false;
  private retryTimer?: NodeJS.Timeout;
  private backoffMs = 100;
  /** The highest stream sequence of our own publications. */
  private lastPublished = 0;
  /** Waiters for progress (a message consumed, a batch published). */
  private waiters: (() => void)[] = [];
  readonly peers = new Map<string, number>();
  lastSync = 0;
  lag = 0;
  conflicts = 0;
  lastError = '';
  /** Set when NATS's max_payload cannot carry a value as large as context.maxValueBytes allows. */
  payloadProblem = '';
  private readonly stream: string;
  private readonly snapshotPrefix: string;
  /** The consumer's messages, stopped on a reconnect: it starts again from the stream position. */
  private messages?: { stop(): void };
  private inbox: Pick<JsMsg, 'subject' | 'data' | 'headers' | 'seq' | 'info'>[] = [];
  private readonly verified = new VerifiedBatches();

  constructor(private readonly o: ReplicatorOptions) {
    this.stream = contextStream(o.config.cluster);
    this.snapshotPrefix = snapshotSubject(o.config.cluster, '');
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Connects in the background, retrying with backoff until NATS answers; the kernel serves meanwhile. */
  start(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    const { config } = this.o;
    try {
      this.nc = await connect(natsOptions(config, `camos-${this.o.nodeId}`));
    } catch (e) {
      if (this.closed) return;
      this.lastError = (e as Error).message;
      this.o.log.warn({ err: e }, `federation: cannot connect to ${config.url}; retrying`);
      await sleep(1000);
      if (!this.closed) void this.run();
      return;
    }
    if (this.closed) return void this.nc.close();
    void this.watchStatus(this.nc);
    this.js = jetstream(this.nc);
    while (!this.closed) {
      try {
        this.jsm = await jetstreamManager(this.nc);
        await this.ensureStream(this.jsm);
        break;
      } catch (e) {
        this.lastError = `JetStream: ${(e as Error).message}`;
        this.o.log.warn({ err: e }, 'federation: JetStream not ready; retrying');
        await sleep(this.nextBackoff());
      }
    }
    if (this.closed) return;
    this.checkPayload(this.nc.info?.max_payload ?? 0);
    this.setConnected(true);
    this.o.log.info({ url: config.url, node: this.o.nodeId, stream: this.stream }, `federation: connected as ${this.o.nodeId}`);
    void this.consume();
    this.wake();
  }

  /** A version too large for one NATS message would hold the outbox up behind it: say so at once. */
  private checkPayload(maxPayload: number): void {
    const need = this.o.maxValueBytes + ENVELOPE_BYTES;
    if (!maxPayload || maxPayload >= need) return;
    this.payloadProblem = `NATS max_payload is ${maxPayload} bytes; a value of context.maxValueBytes (${this.o.maxValueBytes}) with its signed headers needs ${need}: raise max_payload on the servers or lower context.maxValueBytes`;
    this.o.log.warn({ maxPayload, maxValueBytes: this.o.maxValueBytes }, `federation: ${this.payloadProblem}`);
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    try {
      await jsm.streams.info(this.stream);
    } catch {
      try {
        await jsm.streams.add({
          name: this.stream,
          subjects: [contextSubjects(this.o.config.cluster)],
          storage: StorageType.File,
          num_replicas: this.o.config.replicas,
          duplicate_window: 120_000_000_000,
        });
      } catch (e) {
        // Another kernel made it first.
        await jsm.streams.info(this.stream).catch(() => {
          throw e;
        });
      }
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.setConnected(false);
        this.lastError = `disconnected from ${s.server}`;
        this.o.log.warn({ server: s.server }, 'federation: NATS disconnected; writes go on locally and are published when it returns');
      } else if (s.type === 'reconnect') {
        this.setConnected(true);
        this.o.log.info({ server: s.server }, 'federation: NATS reconnected');
        // A restarted server may have lost the ordered consumer: read on from our own position.
        this.messages?.stop();
        this.wake();
      }
    }
  }

  private setConnected(up: boolean): void {
    this.connected = up;
    this.o.metrics.connected.set(up ? 1 : 0);
    if (up) this.backoffMs = 100;
  }

  private nextBackoff(): number {
    const ms = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    return ms + Math.floor(Math.random() * ms * 0.25);
  }

  // ------------------------------------------------------------------ consuming

  private async consume(): Promise<void> {
    while (!this.closed) {
      try {
        const consumer = await this.js!.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.o.replica.position() + 1 });
        const messages = await consumer.consume();
        this.messages = messages;
        for await (const m of messages) {
          if (this.closed) break;
          this.inbox.push(m);
          if (this.inbox.length === 1) setImmediate(() => this.applyInbox());
        }
      } catch (e) {
        if (this.closed) return;
        this.lastError = `consumer: ${(e as Error).message}`;
        this.o.log.warn({ err: e }, 'federation: the context consumer stopped; restarting');
        await sleep(this.nextBackoff());
      }
    }
  }

  /** The messages that arrived in this turn of the event loop, applied in one transaction. */
  private applyInbox(): void {
    const batch = this.inbox;
    this.inbox = [];
    try {
      this.o.replica.batch(() => {
        for (const m of batch) this.receive(m);
      });
    } catch (e) {
      // Nothing of the batch was kept: the consumer reads on from the stream position.
      this.o.log.warn({ err: e }, 'federation: could not apply messages; reading them again');
      this.messages?.stop();
    }
  }

  /** Applies one message, or refuses it; either way the stream position moves past it. */
  receive(m: Pick<JsMsg, 'subject' | 'data' | 'headers' | 'seq' | 'info'>): void {
    const { replica, metrics } = this.o;
    this.lag = m.info.pending;
    metrics.lag.set(m.info.pending);
    let v: ReplicatedVersion;
    try {
      if (m.subject.startsWith(this.snapshotPrefix)) return this.receiveSnapshot(m);
      v = this.echo(m) ?? this.opened(m);
      const applied = replica.apply(v, m.seq, true);
      if (applied.outcome === 'replay') throw new Refused('replay', `message at stream sequence ${m.seq} repeats the version ${v.hlc}@${v.origin} of ${v.namespace}/${v.key} first seen at ${applied.firstSeq}`, v.origin);
      this.o.clock.observe(v.hlc);
      this.lastSync = Date.now();
      if (v.origin !== this.o.nodeId) this.peers.set(v.origin, this.lastSync);
      if (applied.outcome === 'applied') {
        metrics.applied.inc();
        metrics.lagSeconds.observe(Math.max(0, Date.now() - v.timestamp) / 1000);
        if (applied.conflict) {
          this.conflicts++;
          metrics.conflicts.inc();
          this.o.event('federation.conflict', `Context::${v.namespace}/${v.key}`, { version: applied.version, origin: v.origin, hlc: v.hlc, latest: applied.latest });
        }
      }
    } catch (e) {
      if (!(e instanceof Refused)) {
        // The store could not take it (a full disk): not consumed; the consumer starts again from here.
        this.lastError = `apply: ${(e as Error).message}`;
        throw e;
      }
      replica.advance(m.seq);
      metrics.refused.labels(e.reason).inc();
      this.o.log.warn({ reason: e.reason, subject: m.subject, seq: m.seq, node: e.node }, `federation: refused a message: ${e.message}`);
      this.o.event('federation.refused', `Node::${e.node || 'unknown'}`, { reason: e.reason, seq: m.seq, subject: m.subject, message: e.message }, 'error');
    } finally {
      this.progress();
    }
  }

  private receiveSnapshot(m: Pick<JsMsg, 'subject' | 'data' | 'headers' | 'seq'>): void {
    const { config, trust } = this.o;
    const h = (name: string) => m.headers?.get(name) || undefined;
    const snap = openSnapshot(m.subject, h(HEADER.meta), h(HEADER.batch), h(HEADER.signature), m.data, {
      cluster: config.cluster,
      trust,
      subjectOf: () => '',
      snapshotSubject: (id) => snapshotSubject(config.cluster, id),
      maxClockAheadMs: config.maxClockAheadMs,
      verified: this.verified,
    });
    this.o.replica.applySnapshot(snap, m.seq);
  }

  /**
   * Our own publication read back: a version this store already holds needs no signature
   * check (applying it only records its stream sequence, or refuses a replay); anything
   * else, whatever it claims, is checked in full.
   */
  private echo(m: Pick<JsMsg, 'headers'>): ReplicatedVersion | undefined {
    const c = claimed(m.headers?.get(HEADER.meta));
    if (!c || c.node !== this.o.nodeId || this.o.replica.versionOf(c.ns, c.key, `${c.hlc}@${c.node}`) === undefined) return undefined;
    return { namespace: c.ns, key: c.key, origin: c.node, hlc: c.hlc, parent: '', value: null, hash: '', author: '', timestamp: Date.now(), metadata: {}, contentType: '', description: '' };
  }

  private opened(m: Pick<JsMsg, 'subject' | 'data' | 'headers'>): ReplicatedVersion {
    const { config, trust } = this.o;
    const h = (name: string) => m.headers?.get(name) || undefined;
    return open(m.subject, h(HEADER.meta), h(HEADER.batch), h(HEADER.signature), m.data, {
      cluster: config.cluster,
      trust,
      subjectOf: (ns, key) => contextSubject(config.cluster, ns, key),
      maxClockAheadMs: config.maxClockAheadMs,
      verified: this.verified,
    });
  }

  // ------------------------------------------------------------------ publishing

  /** The outbox has more: publish it (once connected). */
  wake(): void {
    if (!this.publishing && this.connected && !this.retryTimer) void this.publish();
  }

  private async publish(): Promise<void> {
    this.publishing = true;
    const { replica, metrics } = this.o;
    try {
      for (let round = 0; ; round++) {
        // The first batch goes at once (a lone write is not held); the next ones, sent while writes keep coming, may wait to fill.
        if (round > 0 && replica.outboxSize() < OUTBOX_BATCH) await sleep(LINGER_MS);
        // Snapshots taken here: rare, one message each, sent as they come.
        for (const snap of this.connected ? replica.snapshotOutbox() : []) {
          const sealed = await sealSnapshot(snap, this.o.config.cluster, this.o.keys);
          const ack = await this.js!.publish(snapshotSubject(this.o.config.cluster, snap.id), sealed.data, { headers: this.headersOf(sealed), msgID: messageId('~snap', snap.id, '', snap.origin) });
          replica.snapshotPublished(snap.id, ack.seq);
          this.lastPublished = Math.max(this.lastPublished, ack.seq);
        }
        const batch = replica.outbox(OUTBOX_BATCH);
        metrics.pending.set(replica.outboxSize());
        if (!batch.length || !this.connected) break;
        // Signed first, then sent in one go in outbox order: the stream keeps that order.
        const sealed = await seal(batch, this.o.config.cluster, this.o.keys);
        const acks = await Promise.all(
          batch.map((v, i) => this.js!.publish(contextSubject(this.o.config.cluster, v.namespace, v.key), sealed[i].data, { headers: this.headersOf(sealed[i]), msgID: messageId(v.namespace, v.key, v.hlc, v.origin) })),
        );
        replica.published(batch.map((v, i) => ({ seq: v.seq, streamSeq: acks[i].seq })));
        this.lastPublished = Math.max(this.lastPublished, ...acks.map((a) => a.seq));
        metrics.published.inc(batch.length);
        this.backoffMs = 100;
        this.progress();
      }
    } catch (e) {
      this.lastError = `publish: ${(e as Error).message}`;
      this.o.log.debug({ err: e }, 'federation: publishing failed; the outbox keeps the versions and retries');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.wake();
      }, this.nextBackoff());
    } finally {
      this.publishing = false;
      metrics.pending.set(replica.outboxSize());
    }
  }

  private headersOf(s: Sealed) {
    const h = natsHeaders();
    h.set(HEADER.meta, s.meta);
    h.set(HEADER.batch, s.batch);
    h.set(HEADER.signature, s.signature);
    return h;
  }

  private progress(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Until `done` holds, or UNAVAILABLE at the deadline. */
  private async until(done: () => boolean, deadline: number, what: string): Promise<void> {
    while (!done()) {
      if (Date.now() > deadline || this.closed) throw unavailable(`federation: ${what} did not happen within federation.casTimeoutMs (${this.o.config.casTimeoutMs} ms); retry`);
      this.wake();
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), sleep(20)]);
    }
  }

  // ------------------------------------------------------------------ compare-and-set

  /**
   * A write with expected_version, decided by the stream: published with the key's last
   * subject sequence as this kernel has consumed it; JetStream takes exactly one of two
   * racing publications, and the other is ABORTED naming the version that won.
   */
  async cas(ns: string, key: string, value: Uint8Array | null, opts: WriteOptions & { expectedVersion: number }): Promise<VersionInfo> {
    if (!this.connected || !this.js) {
      throw unavailable(`federation: ${ns}/${key}: a compare-and-set (expected_version) is decided by the federation, and NATS is unreachable (${this.lastError || 'connecting'}); retry later, or write without expected_version`);
    }
    const { replica, clock, nodeId } = this.o;
    const deadline = Date.now() + this.o.config.casTimeoutMs;
    // Our own earlier writes of the key must be in the stream, and read back, before we compare.
    await this.until(() => replica.pendingFor(ns, key) === 0 && replica.position() >= this.lastPublished, deadline, `publishing this kernel's earlier writes of ${ns}/${key}`);
    const base = this.casBase(ns, key, opts.expectedVersion, value === null);
    const v: ReplicatedVersion = {
      namespace: ns,
      key,
      origin: nodeId,
      hlc: clock.next(),
      parent: base.parent,
      value,
      hash: value ? createHash('sha256').update(value).digest('hex') : '',
      author: opts.author,
      timestamp: Date.now(),
      metadata: opts.metadata ?? {},
      contentType: opts.contentType ?? '',
      description: opts.description ?? '',
    };
    const [sealed] = await seal([v], this.o.config.cluster, this.o.keys);
    const subject = contextSubject(this.o.config.cluster, ns, key);
    let seq: number;
    try {
      const ack = await this.js.publish(subject, sealed.data, {
        headers: this.headersOf(sealed),
        msgID: messageId(ns, key, v.hlc, v.origin),
        expect: { lastSubjectSequence: base.subjectSeq },
        timeout: Math.max(100, deadline - Date.now()),
      });
      seq = ack.seq;
    } catch (e) {
      if (e instanceof JetStreamApiError && e.code === WRONG_LAST_SEQUENCE) throw await this.lost(ns, key, subject, opts.expectedVersion, deadline);
      throw unavailable(`federation: ${ns}/${key}: the compare-and-set could not reach the stream (${(e as Error).message}); retry`);
    }
    this.o.metrics.published.inc();
    const applied = replica.apply(v, seq, false);
    const version = applied.outcome === 'replay' ? 0 : applied.version;
    return { namespace: ns, key, version, hash: v.hash, timestamp: v.timestamp, author: v.author, size: value?.byteLength ?? 0, deleted: value === null };
  }

  /**
   * The local check of a compare-and-set. A key already past the expected version here lost
   * the race before this call began (the winner's version arrived first): ABORTED naming it,
   * as when the stream refuses; an expected version the key never reached stays
   * FAILED_PRECONDITION.
   */
  private casBase(ns: string, key: string, expected: number, tombstone: boolean) {
    try {
      return this.o.replica.casBase(ns, key, expected, tombstone);
    } catch (e) {
      const current = e instanceof SyscallError ? (e.details?.currentVersion as number | undefined) : undefined;
      if (current === undefined || current <= expected) throw e;
      this.o.metrics.casLost.inc();
      throw aborted(`${ns}/${key}: the compare-and-set on version ${expected} lost a race: version ${current} was committed first; read it and retry`, {
        expectedVersion: expected,
        winningVersion: current,
      });
    }
  }

  /** The ABORTED answer of a compare-and-set that lost: names the version on the stream now. */
  private async lost(ns: string, key: string, subject: string, expected: number, deadline: number): Promise<SyscallError> {
    this.o.metrics.casLost.inc();
    const last = await this.jsm!.streams.getMessage(this.stream, { last_by_subj: subject }).catch(() => null);
    const who = claimed(last?.header.get(HEADER.meta));
    let number: number | undefined;
    if (who && last) {
      const id = `${who.hlc}@${who.node}`;
      await this.until(() => this.o.replica.position() >= last.seq, deadline, `reading the winning version of ${ns}/${key}`).catch(() => undefined);
      number = this.o.replica.versionOf(ns, key, id);
    }
    const winner = number ? `version ${number}` : 'another version';
    return aborted(`${ns}/${key}: the compare-and-set on version ${expected} lost a race: ${winner}${who ? ` (written on node ${who.node})` : ''} was committed first; read it and retry`,
      { expectedVersion: expected, winningVersion: number, winningNode: who?.node },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.messages?.stop();
    this.progress();
    await this.nc?.close().catch(() => undefined);
  }
}
