// Federation: many kernels, one mesh, over NATS JetStream (docs/federation.md). The kernel
// sees `openFederation`, which returns the context store the syscalls use and a component
// for health and shutdown. NATS itself is imported only here, lazily, by a kernel whose
// config has a federation section.
import { HybridClock } from './hlc.ts';
import { FederationMetrics } from './metrics.ts';
import { stableNodeId } from './node-id.ts';
import { federatedContextStore } from './store.ts';
import { TrustList } from './trust.ts';
import type { Registry } from 'prom-client';
import { openReplicatedContextStore, type ContextOptions, type ContextStore } from '../context/index.ts';
import type { KeyStore } from '../crypto/index.ts';
import type { Component, ComponentHealth } from '../contract/index.ts';
import type { AuditEntry } from '../contract/index.ts';
import type { FederationConfig } from './config.ts';
import type { MeshHost, MeshQuestions } from './mesh.ts';
import type { TaskDistributor } from '../scheduler/index.ts';
import type { Shared } from './sync.ts';

export { addTrustedPeer, listTrustedPeers, trustFile } from './trust.ts';
export { stableNodeId } from './node-id.ts';
export type { MeshHost, MeshQuestions, NodeAnswer, QuestionSyscall } from './mesh.ts';

export interface FederationOptions {
  config: FederationConfig;
  dataDir: string;
  context: ContextOptions;
  keys: KeyStore;
  registry: Registry;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
  audit: () => { record(e: AuditEntry): void };
  /** tasks.distribution: "federation" puts driver tasks on the work queue. */
  distribution: 'local' | 'federation';
}

export interface Federation {
  nodeId: string;
  /** The context store for the syscalls: local reads and writes, compare-and-set by the federation. */
  context: ContextStore;
  component: Component;
  /** The work queue, when tasks.distribution is "federation": the scheduler's distributor. */
  distributor?: TaskDistributor;
  /** Questions to the peers' audit logs. */
  questions: MeshQuestions;
  /** Starts taking peers' tasks and answering their questions, once the kernel is open; the component closes them (before the drivers). */
  attach(host: MeshHost): Component;
  /**
   * Shares agents, tokens, policies, publisher-key revocations and drivers (sync.ts), once
   * the kernel has opened them; the component it returns closes before they do.
   */
  share(shared: Shared): Promise<Component>;
}

export async function openFederation(o: FederationOptions): Promise<Federation> {
  const nodeId = o.config.nodeId ?? stableNodeId(o.dataDir);
  const { Replicator } = await import('./replicator.ts');
  const clock = new HybridClock();
  let replicator: InstanceType<typeof Replicator> | undefined;
  const { store, replica } = openReplicatedContextStore(o.context, {
    stamp: () => ({ origin: nodeId, hlc: clock.next() }),
    committed: () => replicator?.wake(),
  });
  clock.observe(replica.maxHlc());
  const trust = new TrustList(o.dataDir, { nodeId, keys: () => o.keys.allPublicKeys() });
  const metrics = new FederationMetrics(o.registry);
  // A fact for the audit log (a conflict seen, a message or entry refused).
  const event = (syscall: string, target: string, evidence: Record<string, unknown>, outcome: 'ok' | 'error' = 'ok') =>
    o.audit().record({
      time: Date.now(), caller: 'kernel', callerKind: 'admin', syscall, door: 'kernel', target, outcome,
      code: outcome === 'ok' ? 'ok' : 'permission_denied', requestId: '', traceId: '', spanId: '', durationUs: 0, evidence: { node: nodeId, ...evidence },
    });
  const r = new Replicator({
    config: o.config,
    nodeId,
    keys: o.keys,
    trust,
    replica,
    clock,
    metrics,
    maxValueBytes: o.context.maxValueBytes,
    log: o.log,
    event,
  });
  replicator = r;
  r.start();
  const { MeshLink } = await import('./link.ts');
  const { Questions } = await import('./questions.ts');
  const link = new MeshLink(o.config, nodeId, o.log);
  link.start();
  const shared = { config: o.config, nodeId, keys: o.keys, trust, metrics, link, log: o.log };
  const questions = new Questions(shared);
  const work = o.distribution === 'federation' ? new (await import('./work.ts')).WorkQueue(shared) : undefined;
  const health = (): ComponentHealth => {
    const now = Date.now();
    return {
      status: r.isConnected() ? 'ok' : 'degraded',
      details: {
        node_id: nodeId,
        cluster: o.config.cluster,
        url: o.config.url,
        connected: String(r.isConnected()),
        peers: [...r.peers].map(([id, seen]) => `${id} (${Math.round((now - seen) / 1000)} s ago)`).join(', '),
        peers_trusted: String(trust.size()),
        lag_context: String(r.lag),
        pending_publishes: String(replica.outboxSize()),
        last_sync: r.lastSync ? new Date(r.lastSync).toISOString() : '',
        conflicts: String(r.conflicts),
        stream_position: String(replica.position()),
        ...(r.isConnected() || !r.lastError ? {} : { problem: r.lastError }),
        ...(trust.problem ? { trust_list: trust.problem } : {}),
        ...(r.payloadProblem ? { max_payload: r.payloadProblem } : {}),
      },
    };
  };
  return {
    nodeId,
    context: federatedContextStore(store, (ns, key, value, opts) => r.cas(ns, key, value, opts)),
    component: { name: 'federation', health, close: () => r.close() },
    distributor: work,
    questions,
    attach(host) {
      work?.attach(host);
      questions.attach(host);
      return {
        name: 'federation_work',
        health: () => ({ status: link.connected() ? 'ok' : 'degraded', details: { distribution: o.distribution, ...work?.health(), ...(link.connected() || !link.lastError ? {} : { problem: link.lastError }) } }),
        close: async () => {
          await work?.close();
          questions.close();
          await link.close();
        },
      };
    },
    async share(shared) {
      const { StateSync } = await import('./sync.ts');
      const s = new StateSync({ config: o.config, nodeId, dataDir: o.dataDir, keys: o.keys, trust, clock, metrics, registry: o.registry, log: o.log, event, shared });
      s.start();
      return { name: 'federation-state', health: () => s.health(), close: () => s.close() };
    },
  };
}
