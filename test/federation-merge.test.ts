// The merge rule, as a model: three replicas of the context store write concurrently (each
// with its own skewed clock) and receive each other's versions in random orders; once every
// version has arrived everywhere, all three hold the same history (numbers, bytes, origins,
// conflict marks) and the same latest of every key, and no write is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { openReplicatedContextStore, type ContextReplica, type ContextStore, type ReplicatedVersion } from '../host/context/index.ts';
import { HybridClock } from '../host/federation/hlc.ts';

const NODES = 3;
const KEYS = ['a', 'b', 'c'];

const op = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), node: fc.nat(NODES - 1), key: fc.constantFrom(...KEYS), value: fc.string({ maxLength: 4 }), tick: fc.nat(3) }),
  fc.record({ kind: fc.constant('delete' as const), node: fc.nat(NODES - 1), key: fc.constantFrom(...KEYS), tick: fc.nat(3) }),
  fc.record({ kind: fc.constant('deliver' as const), node: fc.nat(NODES - 1), pick: fc.nat() }),
);

interface Replica {
  store: ContextStore;
  replica: ContextReplica;
  clock: HybridClock;
  inbox: { v: ReplicatedVersion; seq: number }[];
}

function history(store: ContextStore, key: string): string[] {
  try {
    return store.versions('team', key, { limit: 1000 }).versions.map((v) => `${v.version}|${v.hash}|${v.origin}|${v.deleted}|${v.conflict}`);
  } catch {
    return [];
  }
}

function latest(store: ContextStore, key: string): string {
  try {
    const e = store.read('team', key);
    return `${e.version}|${e.hash}`;
  } catch (e) {
    return (e as Error).message;
  }
}

test('replicas converge to the same history and latest whatever the interleaving and delivery order', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: NODES, maxLength: NODES }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (ops, skew, drainOrder) => {
      let now = 1_000_000;
      let streamSeq = 0;
      const written = new Map<string, number>();
      const nodes: Replica[] = Array.from({ length: NODES }, (_, i) => {
        const clock = new HybridClock(() => now + skew[i]);
        const { store, replica } = openReplicatedContextStore(
          { path: ':memory:', maxValueBytes: 1024, versionListLimit: 1000, quotas: {}, retention: {}, cacheEntries: 100 },
          { stamp: () => ({ origin: `k${i}`, hlc: clock.next() }), committed: () => undefined },
        );
        return { store, replica, clock, inbox: [] };
      });
      const publish = (from: number) => {
        for (const e of nodes[from].replica.outbox(100)) {
          const seq = ++streamSeq;
          nodes[from].replica.published([{ seq: e.seq, streamSeq: seq }]);
          nodes.forEach((n, j) => j !== from && n.inbox.push({ v: e, seq }));
          written.set(e.key, (written.get(e.key) ?? 0) + 1);
        }
      };
      const deliver = (to: number, pick: number) => {
        const n = nodes[to];
        if (!n.inbox.length) return;
        const [m] = n.inbox.splice(pick % n.inbox.length, 1);
        n.replica.apply(m.v, m.seq, true);
        n.clock.observe(m.v.hlc);
      };
      try {
        for (const o of ops) {
          if (o.kind === 'deliver') {
            deliver(o.node, o.pick);
            continue;
          }
          now += o.tick;
          const { store } = nodes[o.node];
          if (o.kind === 'write') store.write('team', o.key, Buffer.from(o.value), { author: `agent-${o.node}` });
          else {
            try {
              store.delete('team', o.key, { author: `agent-${o.node}` });
            } catch {
              continue; // nothing live to delete here
            }
          }
          publish(o.node);
        }
        let d = 0;
        for (let i = 0; i < NODES; i++) while (nodes[i].inbox.length) deliver(i, drainOrder[d++ % drainOrder.length]);
        for (const key of KEYS) {
          const h0 = history(nodes[0].store, key);
          assert.equal(h0.length, written.get(key) ?? 0, `every version of ${key} is kept`);
          for (let i = 1; i < NODES; i++) {
            assert.deepEqual(history(nodes[i].store, key), h0, `history of ${key} on k${i}`);
            assert.equal(latest(nodes[i].store, key), latest(nodes[0].store, key), `latest of ${key} on k${i}`);
          }
          if (h0.length) assert.ok(h0[0].endsWith('|false'), 'the latest version is never a conflict');
        }
      } finally {
        for (const n of nodes) n.store.close();
      }
    }),
    { numRuns: 300 },
  );
});

test('a replayed version is not applied twice', () => {
  const clock = new HybridClock();
  const { store, replica } = openReplicatedContextStore(
    { path: ':memory:', maxValueBytes: 1024, versionListLimit: 1000, quotas: {}, retention: {}, cacheEntries: 0 },
    { stamp: () => ({ origin: 'k1', hlc: clock.next() }), committed: () => undefined },
  );
  const v: ReplicatedVersion = { namespace: 'team', key: 'x', origin: 'k2', hlc: clock.next(), parent: '', value: Buffer.from('v'), hash: '4c94485e0c21ae6c41ce1dfe7b6bfaceea5ab68e40a2476f50208e526f506080', author: 'a', timestamp: 1, metadata: {}, contentType: '', description: '' };
  assert.equal(replica.apply(v, 5, true).outcome, 'applied');
  assert.equal(replica.apply(v, 5, true).outcome, 'duplicate');
  assert.deepEqual(replica.apply(v, 9, true), { outcome: 'replay', firstSeq: 5 });
  assert.equal(store.versions('team', 'x').versions.length, 1);
  store.close();
});
