// Property: for random sequences of write/delete/snapshot/restore, the context store agrees
// with a simple in-memory model (values, version numbers, deletions, restore counts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { openContextStore, type ContextStore } from '../host/context/index.ts';
import { Code, SyscallError } from '../host/base/errors.ts';

const NAMESPACES = ['a', 'b'];
const KEYS = ['k0', 'k1', 'k2'];

type Value = string | null; // null: a tombstone
type Command =
  | { op: 'write'; ns: string; key: string; value: string; cas: 'none' | 'current' | 'stale' | 'zero' }
  | { op: 'delete'; ns: string; key: string }
  | { op: 'snapshot'; ns: string }
  | { op: 'restore'; snapshot: number; into: string | null };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('write' as const), ns: fc.constantFrom(...NAMESPACES), key: fc.constantFrom(...KEYS), value: fc.string({ maxLength: 6 }), cas: fc.constantFrom('none' as const, 'current' as const, 'stale' as const, 'zero' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), ns: fc.constantFrom(...NAMESPACES), key: fc.constantFrom(...KEYS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('snapshot' as const), ns: fc.constantFrom(...NAMESPACES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restore' as const), snapshot: fc.nat(5), into: fc.constantFrom(null, ...NAMESPACES) }) },
);

/** The model: every key's versions, oldest first; snapshots as the live values they saw. */
class Model {
  readonly history = new Map<string, Value[]>();
  readonly snapshots: { ns: string; state: Map<string, string> }[] = [];
  versions(ns: string, key: string): Value[] {
    const id = `${ns}/${key}`;
    if (!this.history.has(id)) this.history.set(id, []);
    return this.history.get(id)!;
  }
  current(ns: string, key: string): Value | undefined {
    return this.versions(ns, key).at(-1);
  }
  live(ns: string): Map<string, string> {
    const m = new Map<string, string>();
    for (const key of KEYS) {
      const v = this.current(ns, key);
      if (v !== undefined && v !== null) m.set(key, v);
    }
    return m;
  }
}

function codeOf(fn: () => unknown): Code {
  try {
    fn();
    return Code.OK;
  } catch (e) {
    if (e instanceof SyscallError) return e.code;
    throw e;
  }
}

function run(store: ContextStore, commands: Command[]): void {
  const model = new Model();
  const snapshotIds: string[] = [];
  for (const c of commands) {
    if (c.op === 'write') {
      const versions = model.versions(c.ns, c.key);
      const n = versions.length;
      const live = n > 0 && versions[n - 1] !== null;
      const expectedVersion = { none: undefined, current: n, stale: n + 1, zero: 0 }[c.cas];
      const ok = expectedVersion === undefined || expectedVersion === n || (expectedVersion === 0 && !live);
      const code = codeOf(() => store.write(c.ns, c.key, Buffer.from(c.value), { author: 'p', expectedVersion }));
      assert.equal(code, ok ? Code.OK : Code.FAILED_PRECONDITION);
      if (ok) versions.push(c.value);
    } else if (c.op === 'delete') {
      const versions = model.versions(c.ns, c.key);
      const live = versions.length > 0 && versions.at(-1) !== null;
      assert.equal(codeOf(() => store.delete(c.ns, c.key, { author: 'p' })), live ? Code.OK : Code.NOT_FOUND);
      if (live) versions.push(null);
    } else if (c.op === 'snapshot') {
      const s = store.snapshot(c.ns, { author: 'p' });
      const state = model.live(c.ns);
      assert.equal(s.itemCount, state.size);
      snapshotIds.push(s.snapshotId);
      model.snapshots.push({ ns: c.ns, state });
    } else {
      if (c.snapshot >= snapshotIds.length) {
        assert.equal(codeOf(() => store.restore(`snap-missing-${c.snapshot}`, { author: 'p' })), Code.NOT_FOUND);
        continue;
      }
      const snap = model.snapshots[c.snapshot];
      const target = c.into ?? snap.ns;
      let changed = 0;
      for (const key of KEYS) {
        const want = snap.state.get(key);
        const now = model.current(target, key);
        const nowLive = now !== undefined && now !== null;
        if (want === undefined && nowLive) {
          model.versions(target, key).push(null);
          changed++;
        } else if (want !== undefined && (!nowLive || now !== want)) {
          model.versions(target, key).push(want);
          changed++;
        }
      }
      const r = store.restore(snapshotIds[c.snapshot], { into: c.into ?? undefined, author: 'p', force: true });
      assert.deepEqual(r, { namespace: target, restoredItems: changed });
    }
    check(store, model);
  }
}

function check(store: ContextStore, model: Model): void {
  for (const ns of NAMESPACES) {
    for (const key of KEYS) {
      const versions = model.versions(ns, key);
      if (!versions.length) {
        assert.equal(codeOf(() => store.read(ns, key)), Code.NOT_FOUND);
        continue;
      }
      const latest = versions.at(-1)!;
      if (latest === null) assert.equal(codeOf(() => store.read(ns, key)), Code.NOT_FOUND);
      else {
        const e = store.read(ns, key);
        assert.deepEqual([Buffer.from(e.value).toString(), e.version], [latest, versions.length]);
      }
      const listed = store.versions(ns, key, { limit: 1000 }).versions;
      assert.deepEqual(
        listed.map((v) => v.deleted),
        versions.map((v) => v === null).reverse(),
      );
      versions.forEach((v, i) => {
        if (v !== null) assert.equal(Buffer.from(store.read(ns, key, { version: i + 1 }).value).toString(), v);
      });
    }
  }
}

test('random write/delete/snapshot/restore sequences agree with an in-memory model', () => {
  fc.assert(
    fc.property(fc.array(command, { minLength: 1, maxLength: 40 }), (commands) => {
      const store = openContextStore({ path: ':memory:', maxValueBytes: 1024, versionListLimit: 1000, quotas: {}, retention: {}, cacheEntries: 2 });
      try {
        run(store, commands);
      } finally {
        store.close();
      }
    }),
    { numRuns: 150 },
  );
});
