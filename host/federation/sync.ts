// The shared state over NATS: one KV bucket of signed entries (state.ts, drivers.ts) and
// one Object Store of driver objects. Every local change is published as an entry signed by
// this kernel; every entry in the bucket, ours read back included, is opened (entry.ts),
// checked against its kind's schema and the clock of the last entry taken for its key, and
// only then taken in. Imported lazily by index.ts, like replicator.ts.
//
// Against someone with NATS access and no kernel key: they cannot forge an entry (signed),
// move one to another key or cluster (both signed in), or roll a key back to an older entry
// (its clock is below the one taken here: refused as a replay, and this kernel publishes
// what it holds again). A deletion or purge in the bucket changes nothing here. They can
// withhold or delete what is in NATS (availability), and a kernel that joins later takes
// the newest signed entry it finds: NATS permissions should keep writes to the kernels.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsOptions } from './connection.ts';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { Counter, type Registry } from 'prom-client';
import type { AgentRegistry } from '../agents/index.ts';
import { aborted, unavailable } from '../base/errors.ts';
import { writeFileAtomic } from '../base/files.ts';
import type { ComponentHealth } from '../contract/index.ts';
import type { KeyStore } from '../crypto/index.ts';
import type { DriverRuntime, SharedChange } from '../drivers/index.ts';
import type { TrustStore } from '../drivers/trust.ts';
import type { IdentityStore } from '../identity/index.ts';
import type { PolicyEngine, StoredPolicySet } from '../policy/index.ts';
import type { FederationConfig } from './config.ts';
import { driverKey, drivers, pack, type Blobs } from './drivers.ts';
import { Refused } from './envelope.ts';
import { digestOf, openEntry, sealEntry } from './entry.ts';
import type { HybridClock } from './hlc.ts';
import type { FederationMetrics } from './metrics.ts';
import { agents, policies, policyKey, revocations, tokens, type Kind } from './state.ts';
import { driverBucket, stateBucket } from './subjects.ts';
import type { TrustList } from './trust.ts';

/** Revisions kept per key: room to see what a key held before (`nats kv history`). */
const HISTORY = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Shared {
  identity: IdentityStore;
  agents: AgentRegistry;
  policy: PolicyEngine;
  trust: TrustStore;
  drivers: DriverRuntime;
}

export interface StateSyncOptions {
  config: FederationConfig;
  nodeId: string;
  dataDir: string;
  keys: KeyStore;
  trust: TrustList;
  clock: HybridClock;
  metrics: FederationMetrics;
  registry: Registry;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
  event(syscall: string, target: string, evidence: Record<string, unknown>, outcome?: 'ok' | 'error'): void;
  shared: Shared;
}

/** Per key, the clock and body digest of the entry last taken in or published here. */
type Taken = Record<string, { hlc: string; digest: string }>;

/**
 * This kernel's record of the entries it took in, by key (what refuses a rollback). Written
 * atomically, so one that cannot be read was damaged or edited: start-up stops and says
 * what to do rather than starting with no record, which would accept a rolled-back entry.
 */
export function readTaken(path: string): Taken {
  if (!existsSync(path)) return {};
  let t: unknown;
  try {
    t = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} cannot be read as this kernel's record of the shared state it took in (${(e as Error).message}); restore it from a backup, or delete it to take the bucket's newest entries again (rollback protection then starts over)`);
  }
  const bad =
    typeof t !== 'object' || t === null || Array.isArray(t)
      ? '(the file)'
      : Object.entries(t).find(([, v]) => typeof v?.hlc !== 'string' || typeof v?.digest !== 'string')?.[0];
  if (bad) throw new Error(`${path} is not this kernel's record of the shared state it took in: ${bad} is not an object with a clock (hlc) and a digest; restore it from a backup, or delete it to take the bucket's newest entries again`);
  return t as Taken;
}

export class StateSync {
  private nc?: NatsConnection;
  private kv?: KV;
  private os?: ObjectStore;
  private connected = false;
  private closed = false;
  private readonly kinds: Kind<any>[];
  private readonly file: string;
  private taken: Taken;
  /** Entries are taken in one at a time, in bucket order. */
  private chain: Promise<void> = Promise.resolve();
  /** Driver changes made while NATS was away, published when it returns. */
  private pendingDrivers: SharedChange[] = [];
  private readonly stops: (() => void)[] = [];
  private readonly applied: Counter<'kind'>;
  refused = 0;
  conflicts = 0;
  lastError = '';

  constructor(private readonly o: StateSyncOptions) {
    const s = o.shared;
    const blobs: Blobs = {
      get: async (name, max) => {
        const info = await this.os!.info(name).catch(() => null);
        if (!info || info.deleted || info.size > max) return undefined;
        return (await this.os!.getBlob(name).catch(() => null)) ?? undefined;
      },
    };
    this.kinds = [tokens(s.identity), agents(s.agents), policies(s.policy), revocations(s.trust), drivers(s.drivers, blobs)];
    this.file = join(o.dataDir, 'federation-state.json');
    this.taken = readTaken(this.file);
    for (const t of Object.values(this.taken)) o.clock.observe(t.hlc);
    this.applied = new Counter({ name: 'camos_federation_state_applied_total', help: "Peers' entries of shared state taken in here, by kind (token, agent, policy, trust, driver)", labelNames: ['kind'], registers: [o.registry] });
  }

  start(): void {
    const [tokenKind, agentKind, , trustKind] = this.kinds;
    const s = this.o.shared;
    this.stops.push(
      s.identity.onChange((r) => this.changed(tokenKind, tokenKind.local().find((b) => b.tokenId === r.tokenId))),
      s.agents.onChange((a) => this.changed(agentKind, agentKind.local().find((b) => b.agentId === a.agentId))),
      s.trust.watch(
        () => {
          for (const b of trustKind.local()) this.changed(trustKind, b);
        },
        (e) => this.o.log.warn({ err: e.message, trustStore: s.trust.path }, 'the trust store changed but cannot be read; its revocations are shared once it can'),
      ),
      s.drivers.onShare((c) => void this.shareDriver(c)),
    );
    s.policy.share((next) => this.publishPolicy(next));
    void this.run();
  }

  private async run(): Promise<void> {
    const { config } = this.o;
    while (!this.closed && !this.nc) {
      try {
        this.nc = await connect(natsOptions(config, `camos-${this.o.nodeId}-state`));
      } catch (e) {
        this.lastError = (e as Error).message;
        await sleep(1000);
      }
    }
    if (this.closed) return void this.nc?.close();
    void this.watchStatus(this.nc!);
    const js = jetstream(this.nc!);
    while (!this.closed && !this.os) {
      try {
        this.kv ??= await new Kvm(js).create(stateBucket(config.cluster), { history: HISTORY, replicas: config.replicas });
        this.os = await new Objm(js).create(driverBucket(config.cluster), { replicas: config.replicas });
      } catch (e) {
        this.lastError = `JetStream: ${(e as Error).message}`;
        this.o.log.warn({ err: e }, 'federation: the shared-state bucket is not ready; retrying');
        await sleep(1000);
      }
    }
    if (this.closed) return;
    this.connected = true;
    void this.watch();
    this.reconcile();
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.connected = false;
      else if (s.type === 'reconnect' && this.kv) {
        this.connected = true;
        this.reconcile();
      }
    }
  }

  /** Every entry of the bucket, then every change, taken in order; started again if the watch ends. */
  private async watch(): Promise<void> {
    while (!this.closed) {
      try {
        const entries = await this.kv!.watch();
        this.stops.push(() => entries.stop());
        for await (const e of entries) this.chain = this.chain.then(() => this.take(e));
      } catch (e) {
        if (this.closed) return;
        this.lastError = `watch: ${(e as Error).message}`;
        this.o.log.warn({ err: e }, 'federation: the shared-state watch stopped; starting it again');
      }
      await sleep(500);
    }
  }

  /** Takes in one entry, or refuses it (logged, counted, audited); never throws. */
  private async take(e: KvEntry): Promise<void> {
    if (this.closed || e.operation !== 'PUT') return;
    const key = e.key;
    const before = this.taken[key];
    try {
      const kind = this.kinds.find((k) => key.startsWith(`${k.prefix}.`));
      if (!kind) throw new Refused('malformed', `entry ${key} is of no kind camos shares`);
      const entry = openEntry(key, e.value, { cluster: this.o.config.cluster, trust: this.o.trust, maxClockAheadMs: this.o.config.maxClockAheadMs });
      const parsed = kind.schema.safeParse(entry.body);
      if (!parsed.success) throw new Refused('malformed', `entry ${key} from node ${entry.node}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300)}`, entry.node);
      if (kind.keyOf(parsed.data) !== key) throw new Refused('wrong-subject', `entry ${key} from node ${entry.node} holds the body of ${kind.keyOf(parsed.data)}`, entry.node);
      if (before && entry.hlc < before.hlc) {
        // Ours, overtaken by a later one of ours: nothing to do. Anyone else's: a rollback.
        if (entry.node === this.o.nodeId) return;
        this.heal(kind, key);
        throw new Refused('replay', `entry ${key} from node ${entry.node} is older (${entry.hlc}) than the one taken here (${before.hlc}); this kernel publishes what it holds again`, entry.node);
      }
      this.o.clock.observe(entry.hlc);
      // Noted before it is taken in, so that the change it makes here is not published back.
      this.note(key, entry.hlc, digestOf(parsed.data));
      const outcome = await kind.apply(parsed.data, entry.node);
      if (outcome === 'applied') this.applied.labels(kind.prefix).inc();
      if (outcome === 'conflict') {
        this.conflicts++;
        this.o.log.warn({ key, node: entry.node }, `federation: entry ${key} from node ${entry.node} conflicts with what this kernel holds; kept as it is here`);
        this.o.event('federation.conflict', `State::${key}`, { key, origin: entry.node, hlc: entry.hlc }, 'error');
      }
      if (outcome === 'refused') this.refuse(new Refused('bad-signature', `driver entry ${key} from node ${entry.node} did not verify against this kernel's trust store`, entry.node), key, 'driver-unverified');
    } catch (err) {
      if (err instanceof Refused) return this.refuse(err, key, err.reason);
      // Not taken in (a full disk): forgotten, so that the next watch takes it again.
      if (before) this.taken[key] = before;
      else delete this.taken[key];
      this.lastError = `apply ${key}: ${(err as Error).message}`;
      this.o.log.warn({ err, key }, `federation: could not take in entry ${key}`);
    }
  }

  private refuse(e: Refused, key: string, reason: string): void {
    this.refused++;
    this.o.metrics.refused.labels(reason).inc();
    this.o.log.warn({ reason, key, node: e.node }, `federation: refused an entry: ${e.message}`);
    this.o.event('federation.refused', `Node::${e.node || 'unknown'}`, { reason, key, message: e.message }, 'error');
  }

  private note(key: string, hlc: string, digest: string): void {
    this.taken[key] = { hlc, digest };
    writeFileAtomic(this.file, JSON.stringify(this.taken));
  }

  /** A local change: published unless it is what was last taken in or published for its key. */
  private changed<B>(kind: Kind<B>, body: B | undefined): void {
    if (!body) return;
    const key = kind.keyOf(body);
    if (this.taken[key]?.digest === digestOf(body)) return;
    if (this.connected) void this.publish(key, body).catch((e) => this.publishFailed(key, e));
  }

  /** What this kernel holds for `key`, published again over an older entry someone put there. */
  private heal<B>(kind: Kind<B>, key: string): void {
    const body = kind.local().find((b) => kind.keyOf(b) === key);
    if (body && this.connected) void this.publish(key, body).catch((e) => this.publishFailed(key, e));
  }

  private publishFailed(key: string, e: Error): void {
    this.lastError = `publish ${key}: ${e.message}`;
    this.o.log.warn({ err: e, key }, `federation: could not publish ${key}; it is published when NATS is back`);
  }

  private async publish(key: string, body: unknown, create = false): Promise<void> {
    const hlc = this.o.clock.next();
    const bytes = await sealEntry(key, hlc, body, { cluster: this.o.config.cluster, nodeId: this.o.nodeId, keys: this.o.keys });
    if (create) await this.kv!.create(key, bytes);
    else await this.kv!.put(key, bytes);
    this.note(key, hlc, digestOf(body));
  }

  /** After every (re)connect: what changed here while NATS was away (or before a crash) is published. */
  private reconcile(): void {
    for (const kind of this.kinds) for (const body of kind.local()) this.changed(kind, body);
    const pending = this.pendingDrivers;
    this.pendingDrivers = [];
    for (const c of pending) void this.shareDriver(c);
  }

  /** PolicyEngine.commit's numbering: the first kernel to publish a version's entry has that number. */
  private async publishPolicy(next: StoredPolicySet): Promise<void> {
    if (!this.connected || !this.kv) throw unavailable(`federation: a policy update is numbered by the federation, and NATS is unreachable (${this.lastError || 'connecting'}); retry when it is back`);
    try {
      await this.publish(policyKey(next.version), next, true);
    } catch (e) {
      if (!/wrong last sequence|exists/i.test((e as Error).message)) throw unavailable(`federation: the policy update could not be published (${(e as Error).message}); retry`);
      // Another kernel took the number: its set arrives here through the watch.
      throw aborted(`policy set version ${next.version} was made on another kernel first; \`camos policy get\` shows it; update on top of it and retry`, { version: next.version });
    }
  }

  private async shareDriver(c: SharedChange): Promise<void> {
    if (!this.connected) return void this.pendingDrivers.push(c);
    try {
      if (c.kind === 'unloaded') {
        for (const d of c.drivers) await this.publish(driverKey(d.name, d.version), { state: 'unloaded', name: d.name, version: d.version });
        return;
      }
      const { object, bytes } = pack(c.manifest, c.module);
      if (!(await this.os!.info(object))) await this.os!.putBlob({ name: object }, bytes);
      await this.publish(driverKey(c.driver.name, c.driver.version), { state: 'loaded', name: c.driver.name, version: c.driver.version, digest: c.driver.digest, object, size: bytes.byteLength });
    } catch (e) {
      this.pendingDrivers.push(c);
      this.publishFailed(c.kind === 'loaded' ? `${c.driver.name}@${c.driver.version}` : 'a driver unload', e as Error);
    }
  }

  /** Waits for every entry seen so far to be taken in (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  health(): ComponentHealth {
    return {
      status: this.connected ? 'ok' : 'degraded',
      details: {
        connected: String(this.connected),
        bucket: stateBucket(this.o.config.cluster),
        entries: String(Object.keys(this.taken).length),
        refused: String(this.refused),
        conflicts: String(this.conflicts),
        pending_drivers: String(this.pendingDrivers.length),
        ...(this.lastError ? { problem: this.lastError } : {}),
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stops) stop();
    await this.chain.catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
  }
}
