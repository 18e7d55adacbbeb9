// Context memory through the syscall table (kernel.call) and the store's task staging API.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openContextStore, type ContextStore } from '../host/context/index.ts';
import type { Kernel } from '../host/index.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';
import { Code } from '../host/base/errors.ts';

/** Directories of the store-only tests (no kernel). */
const dirs: string[] = [];
const kernels: OpenKernel[] = [];
async function kernel(context: Record<string, unknown>): Promise<Kernel> {
  const k = await openKernel({ context });
  kernels.push(k);
  return k.kernel;
}
after(async () => {
  for (const k of kernels) await k.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const bytes = (s: string) => Buffer.from(s);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
async function rejects(p: Promise<unknown>, code: Code, message?: RegExp) {
  await assert.rejects(p, (e: { code: Code; message: string }) => {
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

// One kernel for the file (starting one costs seconds); its config gives some namespaces
// their own quota and retention rules, used by the tests that need them.
const CONFIG = {
  maxValueBytes: 4096,
  versionListLimit: 20,
  quotas: { small: 10, 'staged-q': 10, rq: 100, batch: 10 },
  retention: { keep2: { keepLast: 2 }, keep1: { keepLast: 1 }, rq: { keepLast: 1 } },
};
let k: Kernel;
before(async () => {
  k = await kernel(CONFIG);
});
const write = (ns: string, key: string, data: string, extra: Record<string, unknown> = {}, agent?: string) =>
  k.call('sys_context_write', { namespace: ns, key, data: bytes(data), ...extra }, agent ? { agent } : {});
const read = (ns: string, key: string, extra: Record<string, unknown> = {}) => k.call('sys_context_read', { namespace: ns, key, ...extra });

describe('names and values', () => {
  test('a namespace outside [a-z0-9_.-]{1,64} is INVALID_ARGUMENT naming the rule', async () => {
    for (const ns of ['Team', '', '-x', 'a'.repeat(65), 'a/b']) await rejects(write(ns, 'k', 'v'), Code.INVALID_ARGUMENT, /namespace is 1-64 of/);
  });
  test('a key outside [A-Za-z0-9_./:-]{1,256} is INVALID_ARGUMENT naming the rule', async () => {
    for (const key of ['', 'a b', 'é', 'k'.repeat(257)]) await rejects(write('names', key, 'v'), Code.INVALID_ARGUMENT, /key is 1-256 bytes/);
    assert.equal((await write('names', 'a/B:c.d-e_' + 'k'.repeat(246), 'v')).version, 1);
  });
  test('a value over context.maxValueBytes is INVALID_ARGUMENT naming the limit', async () => {
    await rejects(k.call('sys_context_write', { namespace: 'n', key: 'big', data: Buffer.alloc(4097) }), Code.INVALID_ARGUMENT, /4097 bytes, over the limit of 4096 bytes/);
    assert.equal((await k.call('sys_context_write', { namespace: 'n', key: 'big', data: Buffer.alloc(4096) })).version, 1);
  });
});

describe('write and read', () => {
  test('every write is a new version numbered 1, 2, 3 with the SHA-256 of its value', async () => {
    const r = [await write('w', 'a', 'one'), await write('w', 'a', 'two'), await write('w', 'a', 'three')];
    assert.deepEqual(r.map((x) => x.version), [1, 2, 3]);
    assert.deepEqual(r.map((x) => x.hash), [sha256('one'), sha256('two'), sha256('three')]);
    assert.equal(r[2].bytesWritten, 5);
  });
  test('a read returns the latest value with its version, hash, author, metadata and content type', async () => {
    // The default policy lets an agent write the namespace named after it.
    await write('agent-a', 'doc', '{"a":1}', { metadata: { source: 'test' }, contentType: 'application/json' }, 'agent-a');
    const e = await read('agent-a', 'doc');
    assert.deepEqual(
      { data: e.data.toString(), version: e.version, hash: e.hash, author: e.author, metadata: e.metadata, contentType: e.contentType },
      { data: '{"a":1}', version: 1, hash: sha256('{"a":1}'), author: 'agent-a', metadata: { source: 'test' }, contentType: 'application/json' },
    );
    assert.ok(e.timestamp > 0);
  });
  test('a read at a version returns that version', async () => {
    await write('r', 'v', 'first');
    await write('r', 'v', 'second');
    assert.equal((await read('r', 'v', { version: 1 })).data.toString(), 'first');
  });
  test('a read as of a time returns the version current then', async () => {
    const first = await write('r', 't', 'then');
    await new Promise((r) => setTimeout(r, 5));
    await write('r', 't', 'now');
    assert.equal((await read('r', 't', { asOf: first.timestamp })).data.toString(), 'then');
    await rejects(read('r', 't', { asOf: first.timestamp - 1 }), Code.NOT_FOUND, /did not exist at/);
  });
  test('an unknown key or version is NOT_FOUND', async () => {
    await rejects(read('r', 'never'), Code.NOT_FOUND, /r\/never does not exist/);
    await write('r', 'one', 'x');
    await rejects(read('r', 'one', { version: 7 }), Code.NOT_FOUND, /no version 7; its latest is 1/);
  });
  test("a caller changing the bytes it read does not change the stored value (the cache shares them)", async () => {
    await write('cache-copy', 'k', 'original');
    const first = await read('cache-copy', 'k');
    first.data.fill(0x58);
    assert.equal((await read('cache-copy', 'k')).data.toString(), 'original');
    const entry = k.context!.read('cache-copy', 'k');
    assert.ok(Object.isFrozen(entry) && Object.isFrozen(entry.metadata), 'the store hands out frozen entries');
    assert.equal(k.context!.read('cache-copy', 'k'), entry, 'a cached read returns the same entry, no copy');
  });
  test('an empty value is a value, not a deletion', async () => {
    await write('r', 'empty', '');
    assert.equal((await read('r', 'empty')).data.length, 0);
  });
});

describe('compare-and-set and deletion', () => {
  test('expected_version that does not match is FAILED_PRECONDITION with the current version', async () => {
    await write('cas', 'k', 'a');
    await rejects(write('cas', 'k', 'b', { expectedVersion: 0 }), Code.FAILED_PRECONDITION, /at version 1, not the expected version 0/);
    assert.equal((await write('cas', 'k', 'b', { expectedVersion: 1 })).version, 2);
  });
  test('expected_version 0 means the key must not exist', async () => {
    assert.equal((await write('cas', 'fresh', 'a', { expectedVersion: 0 })).version, 1);
  });
  test('a deletion is a tombstone version; reading says at which version it was deleted', async () => {
    await write('del', 'k', 'a');
    assert.equal((await k.call('sys_context_delete', { namespace: 'del', key: 'k' })).version, 2);
    await rejects(read('del', 'k'), Code.NOT_FOUND, /was deleted at version 2/);
    assert.equal((await read('del', 'k', { version: 1 })).data.toString(), 'a');
    const list = await k.call('sys_context_version_list', { namespace: 'del', key: 'k' });
    assert.deepEqual(list.versions.map((v: { deleted: boolean }) => v.deleted), [true, false]);
  });
  test('deleting a missing or deleted key is NOT_FOUND', async () => {
    await rejects(k.call('sys_context_delete', { namespace: 'del', key: 'none' }), Code.NOT_FOUND);
    await write('del', 'twice', 'a');
    await k.call('sys_context_delete', { namespace: 'del', key: 'twice' });
    await rejects(k.call('sys_context_delete', { namespace: 'del', key: 'twice' }), Code.NOT_FOUND, /deleted at version 2/);
  });
  test('a write after a deletion continues the version numbers', async () => {
    await write('del', 'again', 'a');
    await k.call('sys_context_delete', { namespace: 'del', key: 'again' });
    assert.equal((await write('del', 'again', 'b', { expectedVersion: 0 })).version, 3);
  });
  test('concurrent compare-and-set writers: exactly one wins each round, the rest get FAILED_PRECONDITION', async () => {
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => write('race', 'k', `r${round}-w${i}`, { expectedVersion: round })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.code, Code.FAILED_PRECONDITION);
    }
    assert.equal((await read('race', 'k')).version, 10);
  });
});

describe('version list', () => {
  before(async () => {
    for (let i = 1; i <= 25; i++) await write('vl', 'k', `v${i}`, { versionDescription: `d${i}`, metadata: { i: String(i) } });
  });
  test('lists newest first with description, hash, size and tags', async () => {
    const r = await k.call('sys_context_version_list', { namespace: 'vl', key: 'k', limit: 3 });
    assert.deepEqual(r.versions.map((v: { version: number }) => v.version), [25, 24, 23]);
    assert.deepEqual(
      { d: r.versions[0].description, h: r.versions[0].hash, s: r.versions[0].size, t: r.versions[0].tags },
      { d: 'd25', h: sha256('v25'), s: 3, t: { i: '25' } },
    );
  });
  test('pages with next_token until has_more is false, seeing every version once', async () => {
    const seen: number[] = [];
    let pageToken = '';
    for (let i = 0; i < 10; i++) {
      const r = await k.call('sys_context_version_list', { namespace: 'vl', key: 'k', limit: 10, pageToken });
      seen.push(...r.versions.map((v: { version: number }) => v.version));
      if (!r.hasMore) break;
      pageToken = r.nextToken;
    }
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => 25 - i));
  });
  test('since_version lists only newer versions', async () => {
    const r = await k.call('sys_context_version_list', { namespace: 'vl', key: 'k', sinceVersion: 22 });
    assert.deepEqual(r.versions.map((v: { version: number }) => v.version), [25, 24, 23]);
  });
  test('limit is capped by context.versionListLimit', async () => {
    const r = await k.call('sys_context_version_list', { namespace: 'vl', key: 'k', limit: 100 });
    assert.equal(r.versions.length, CONFIG.versionListLimit);
    assert.equal(r.hasMore, true);
  });
  test("a page token from another key is INVALID_ARGUMENT", async () => {
    const r = await k.call('sys_context_version_list', { namespace: 'vl', key: 'k', limit: 1 });
    await write('vl', 'other', 'x');
    await rejects(k.call('sys_context_version_list', { namespace: 'vl', key: 'other', pageToken: r.nextToken }), Code.INVALID_ARGUMENT, /belongs to vl\/k/);
  });
});

describe('snapshots and restore', () => {
  test('a snapshot records the live keys with description, author and time, and is listed', async () => {
    await write('agent-s', 'a', '1');
    await write('agent-s', 'b', '2');
    const s = await k.call('sys_context_snapshot', { namespace: 'agent-s', description: 'before the plan' }, { agent: 'agent-s' });
    assert.equal(s.itemCount, 2);
    const list = await k.call('sys_context_snapshot_list', { namespace: 'agent-s' });
    assert.deepEqual(
      list.snapshots.map((x: Record<string, unknown>) => [x.snapshotId, x.description, x.author, x.itemCount]),
      [[s.snapshotId, 'before the plan', 'agent-s', 2]],
    );
  });
  test('restore writes new versions for changed keys, tombstones newer keys, and keeps history', async () => {
    await write('rs', 'same', 's');
    await write('rs', 'changed', 'old');
    await write('rs', 'gone', 'g');
    const s = await k.call('sys_context_snapshot', { namespace: 'rs' });
    await write('rs', 'changed', 'new');
    await k.call('sys_context_delete', { namespace: 'rs', key: 'gone' });
    await write('rs', 'created', 'c');
    const r = await k.call('sys_context_restore', { snapshotId: s.snapshotId });
    assert.deepEqual(r, { namespace: 'rs', restoredItems: 3 });
    assert.deepEqual(
      [(await read('rs', 'same')).version, (await read('rs', 'changed')).data.toString(), (await read('rs', 'changed')).version, (await read('rs', 'gone')).data.toString()],
      [1, 'old', 3, 'g'],
    );
    await rejects(read('rs', 'created'), Code.NOT_FOUND, /deleted at version 2/);
    assert.equal((await read('rs', 'changed', { version: 2 })).data.toString(), 'new');
  });
  test('restoring a snapshot that matches the namespace changes nothing', async () => {
    await write('rs2', 'a', '1');
    const s = await k.call('sys_context_snapshot', { namespace: 'rs2' });
    assert.equal((await k.call('sys_context_restore', { snapshotId: s.snapshotId })).restoredItems, 0);
  });
  test('restore_into writes the snapshot into another namespace', async () => {
    await write('src', 'a', '1');
    const s = await k.call('sys_context_snapshot', { namespace: 'src' });
    const r = await k.call('sys_context_restore', { snapshotId: s.snapshotId, restoreInto: 'dst' });
    assert.deepEqual(r, { namespace: 'dst', restoredItems: 1 });
    assert.equal((await read('dst', 'a')).data.toString(), '1');
  });
  test('restore_into a namespace with live keys needs force', async () => {
    await write('src2', 'a', '1');
    await write('dst2', 'b', '2');
    const s = await k.call('sys_context_snapshot', { namespace: 'src2' });
    await rejects(k.call('sys_context_restore', { snapshotId: s.snapshotId, restoreInto: 'dst2' }), Code.FAILED_PRECONDITION, /set force/);
    assert.equal((await k.call('sys_context_restore', { snapshotId: s.snapshotId, restoreInto: 'dst2', force: true })).restoredItems, 2);
    await rejects(read('dst2', 'b'), Code.NOT_FOUND);
  });
  test('an unknown snapshot is NOT_FOUND', async () => {
    await rejects(k.call('sys_context_restore', { snapshotId: 'snap-nope' }), Code.NOT_FOUND, /snapshot 'snap-nope' does not exist/);
  });
});

describe('quotas and retention', () => {
  test('a write that would take a namespace over its quota is RESOURCE_EXHAUSTED', async () => {
    await k.call('sys_context_write', { namespace: 'small', key: 'a', data: Buffer.alloc(6) });
    await rejects(k.call('sys_context_write', { namespace: 'small', key: 'b', data: Buffer.alloc(5) }), Code.RESOURCE_EXHAUSTED, /quota of 10 bytes/);
    await rejects(k.call('sys_context_read', { namespace: 'small', key: 'b' }), Code.NOT_FOUND);
    await k.call('sys_context_write', { namespace: 'other', key: 'b', data: Buffer.alloc(50) });
  });
  test('writes committed together: the one over quota fails alone and leaves no trace', async () => {
    const sizes = { a: 6, b: 6, c: 3 };
    const results = await Promise.allSettled(Object.entries(sizes).map(([key, n]) => k.call('sys_context_write', { namespace: 'batch', key, data: Buffer.alloc(n) })));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    await rejects(read('batch', 'b'), Code.NOT_FOUND);
    assert.equal(k.context!.usage('batch'), 9);
  });
  test('keepLast removes old versions but never the latest', async () => {
    for (let i = 1; i <= 5; i++) await write('keep2', 'k', `v${i}`);
    const list = await k.call('sys_context_version_list', { namespace: 'keep2', key: 'k' });
    assert.deepEqual(list.versions.map((v: { version: number }) => v.version), [5, 4]);
    await rejects(read('keep2', 'k', { version: 1 }), Code.NOT_FOUND, /removed by retention/);
  });
  test('retention keeps the versions a snapshot refers to, so restore still works', async () => {
    await write('keep1', 'k', 'kept');
    const s = await k.call('sys_context_snapshot', { namespace: 'keep1' });
    for (let i = 0; i < 3; i++) await write('keep1', 'k', `later${i}`);
    const list = await k.call('sys_context_version_list', { namespace: 'keep1', key: 'k' });
    assert.deepEqual(list.versions.map((v: { version: number }) => v.version), [4, 1]);
    await k.call('sys_context_restore', { snapshotId: s.snapshotId });
    assert.equal((await read('keep1', 'k')).data.toString(), 'kept');
  });
  test('retention frees quota: with keepLast 1, rewriting a key stays under the quota', async () => {
    for (let i = 0; i < 20; i++) await k.call('sys_context_write', { namespace: 'rq', key: 'k', data: Buffer.alloc(60) });
    assert.equal(k.context!.usage('rq'), 60);
  });
});

describe('retention rules on the store', () => {
  const open = (path: string, retention: Record<string, { keepLast?: number; maxAgeMs?: number }>) =>
    openContextStore({ path, maxValueBytes: 1024, versionListLimit: 1000, quotas: {}, retention, cacheEntries: 100 });
  const versionsOf = (store: ContextStore) => store.versions('n', 'k').versions.map((v) => v.version);

  test('maxAgeMs removes the versions older than it, and keeps younger ones', () => {
    const young = open(':memory:', { n: { maxAgeMs: 3_600_000 } });
    const old = open(':memory:', { n: { maxAgeMs: 0 } });
    for (const store of [young, old]) for (let i = 0; i < 3; i++) store.write('n', 'k', bytes(`v${i}`), { author: 't' });
    assert.deepEqual([versionsOf(young), versionsOf(old)], [[3, 2, 1], [3]]);
    young.close();
    old.close();
  });
  test('a rule applies when the store opens, to keys not written since', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'camos-context-')), 'context.db');
    dirs.push(join(path, '..'));
    const before = open(path, {});
    for (let i = 0; i < 4; i++) before.write('n', 'k', bytes(`v${i}`), { author: 't' });
    before.close();
    const after = open(path, { '*': { keepLast: 2 } });
    assert.deepEqual(versionsOf(after), [4, 3]);
    after.close();
  });
});

describe('restore on the store', () => {
  test("a restored version shares the snapshot version's bytes (no copy), also restored twice", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'camos-context-')), 'context.db');
    dirs.push(join(path, '..'));
    const store = openContextStore({ path, maxValueBytes: 1 << 20, versionListLimit: 1000, quotas: {}, retention: {}, cacheEntries: 0 });
    const first = Buffer.alloc(64 * 1024, 7);
    store.write('n', 'k', first, { author: 't' });
    const s1 = store.snapshot('n', { author: 't' }).snapshotId;
    store.write('n', 'k', bytes('second'), { author: 't' });
    assert.equal(store.restore(s1, { author: 't' }).restoredItems, 1);
    const s2 = store.snapshot('n', { author: 't' }).snapshotId;
    store.write('n', 'k', bytes('fourth'), { author: 't' });
    assert.equal(store.restore(s2, { author: 't' }).restoredItems, 1);
    for (const version of [3, 5]) {
      const e = store.read('n', 'k', { version });
      assert.ok(Buffer.from(e.value).equals(first), `version ${version} has the first bytes`);
      assert.equal(e.hash, createHash('sha256').update(first).digest('hex'));
    }
    store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT version, seq, value IS NULL AS shared, value_seq FROM versions ORDER BY version').all() as { version: number; seq: number; shared: number; value_seq: number | null }[];
    db.close();
    const holder = rows[0].seq;
    assert.deepEqual(
      rows.map((r) => [r.version, r.shared, r.value_seq]),
      [[1, 0, null], [2, 0, null], [3, 1, holder], [4, 0, null], [5, 1, holder]],
    );
  });
});

describe('checkpoints', () => {
  test('a thread of its own copies the write-ahead log into the database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camos-context-'));
    dirs.push(dir);
    const path = join(dir, 'context.db');
    const store = openContextStore({ path, maxValueBytes: 1 << 20, versionListLimit: 1000, quotas: {}, retention: {}, cacheEntries: 0 });
    // 8 MiB in 2,048 writes, far under the ~200 MB of log at which the main connection would
    // checkpoint by itself: only the checkpointer thread can have copied them into the file.
    await Promise.all(Array.from({ length: 2048 }, (_, i) => store.writeGrouped('n', `k${i}`, Buffer.alloc(4096, i), { author: 't' })));
    for (let i = 0; i < 100 && statSync(path).size < 8 << 20; i++) await new Promise((r) => setTimeout(r, 50));
    const size = statSync(path).size;
    assert.ok(size >= 8 << 20, `the database file holds the 8 MiB written (${size} bytes)`);
    assert.ok(Buffer.from(store.read('n', 'k7').value).equals(Buffer.alloc(4096, 7)));
    store.close();
  });
});

describe('task staging', () => {
  test('staged writes are invisible to others until commit, and visible to the task itself', async () => {
    const s = k.context!.begin('task-1', 'agent-t');
    s.write('stage', 'k', bytes('staged'));
    assert.equal(Buffer.from(s.read('stage', 'k')!).toString(), 'staged');
    await rejects(read('stage', 'k'), Code.NOT_FOUND);
    const committed = s.commit();
    assert.deepEqual(committed, [{ namespace: 'stage', key: 'k', version: 1, previousVersion: 0, hash: sha256('staged') }]);
    const e = await read('stage', 'k');
    assert.deepEqual([e.data.toString(), e.author], ['staged', 'agent-t']);
  });
  test('a discarded staging leaves the store untouched', async () => {
    await write('stage', 'd', 'before');
    const s = k.context!.begin('task-2', 'agent-t');
    s.write('stage', 'd', bytes('after'));
    s.delete('stage', 'x');
    assert.deepEqual(s.writes(), [{ namespace: 'stage', key: 'd' }, { namespace: 'stage', key: 'x' }]);
    s.discard();
    assert.equal((await read('stage', 'd')).data.toString(), 'before');
    assert.throws(() => s.write('stage', 'd', bytes('late')), /already discarded/);
  });
  test('a staged deletion hides the key from the task and commits a tombstone', async () => {
    await write('stage', 'del', 'x');
    const s = k.context!.begin('task-3', 'agent-t');
    s.delete('stage', 'del');
    assert.equal(s.read('stage', 'del'), undefined);
    assert.deepEqual(s.commit(), [{ namespace: 'stage', key: 'del', version: 2, previousVersion: 1, hash: '' }]);
    await rejects(read('stage', 'del'), Code.NOT_FOUND, /deleted at version 2/);
  });
  test('commit is all or nothing: one write over quota commits none', async () => {
    const s = k.context!.begin('task-4', 'agent-t');
    s.write('staged-q', 'a', Buffer.alloc(5));
    s.write('staged-q', 'b', Buffer.alloc(6));
    assert.throws(() => s.commit(), (e: { code: Code }) => e.code === Code.RESOURCE_EXHAUSTED);
    await rejects(read('staged-q', 'a'), Code.NOT_FOUND);
  });
  test('a staged write with a bad name is refused at once', () => {
    const s = k.context!.begin('task-5', 'agent-t');
    assert.throws(() => s.write('Bad', 'k', bytes('x')), (e: { code: Code }) => e.code === Code.INVALID_ARGUMENT);
  });
});
