// Faults of the machine and of the data directory: a full disk, no file descriptors left,
// SIGKILL under writes, two kernels on one data directory, files readable by others,
// corrupt files. The kernel keeps serving what it can, refuses what it cannot do with the
// cause named, says so in its health, and recovers by itself when the cause goes.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { openAuditDb, verifyAuditDb } from '../../host/audit/index.ts';
import { createLogger } from '../../host/telemetry/log.ts';
import { openKernel, startKernel } from '../helpers/kernel.ts';
import { packageDefinition } from '../../host/wire/proto.ts';
import { readAckLines } from '../fixtures/ack-lines.ts';
import { camos, startKernelProcess } from '../helpers/process.ts';

const root = mkdtempSync(join(tmpdir(), 'camos-faults-'));
const mounts: string[] = [];
after(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m]);
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);
const Client = grpc.makeGenericClientConstructor(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');
const md = (token: string) => {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
};
const unary = (c: grpc.Client & Record<string, any>, rpc: string, req: unknown, token: string): Promise<any> =>
  new Promise((resolve, reject) => c[rpc](req, md(token), { deadline: Date.now() + 20_000 }, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));

/** A tmpfs of `mb` MiB, or undefined where mounting is not permitted (CI runs as root). */
function tmpfs(mb: number): string | undefined {
  const dir = mkdtempSync(join(root, 'tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}
const canMount = (() => {
  const probe = tmpfs(1);
  return probe ? true : 'mount -t tmpfs is not permitted here';
})();

/** Fills the disk holding `dir` to its last byte with a file; returns the file. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    for (let small = Buffer.alloc(512, 1); ; ) {
      try {
        writeSync(fd, small);
      } catch {
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Calls fn until it returns something other than undefined, at most `tries` times, `ms` apart. */
async function until<T>(fn: () => Promise<T | undefined>, tries = 100, ms = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, ms));
  }
  throw new Error('the condition was never met');
}

const post = async (port: number, token: string, syscall: string, body: unknown) => {
  const r = await fetch(`http://127.0.0.1:${port}/v1/${syscall}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};
const healthz = async (port: number) => {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: r.status, body: (await r.json()) as any };
};

describe('a full disk', () => {
  test('refuses writes naming the cause, keeps serving reads, says degraded, and recovers when space returns', { skip: canMount !== true && canMount }, async () => {
    const disk = tmpfs(24)!;
    const dataDir = join(disk, 'data');
    // A small bound on records kept in memory while the log cannot be written, so that the count of those not kept is seen.
    const config = join(root, 'disk-config.json');
    writeFileSync(config, JSON.stringify({ audit: { maxPendingRecords: 300, batchSize: 50 }, drivers: { loadExamples: false, watch: false } }));
    const k = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--config', config, '--log-level', 'warn']);
    try {
      const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
      const value = Buffer.alloc(256 * 1024, 7).toString('base64');
      assert.equal((await post(k.port, token, 'sys_context_write', { namespace: 'disk', key: 'before', data: value })).status, 200);
      const filler = fill(disk);

      // Writes fail once SQLite needs a page the disk does not have: 429 or 503, the cause in words, never a 500.
      const refused = await until(async () => {
        const r = await post(k.port, token, 'sys_context_write', { namespace: 'disk', key: `k${Math.random()}`, data: value });
        return r.status === 200 ? undefined : r;
      });
      assert.ok([429, 503].includes(refused.status), JSON.stringify(refused));
      assert.match(refused.body.message, /disk holding .* is full|audit log cannot be written/);
      assert.equal(k.child.exitCode, null, 'the kernel is still running');

      // The audit log stalls too (records of calls keep coming): a call that changes something but needs no disk of its own is refused for it.
      const c = new Client(`127.0.0.1:${k.port}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
      const refusal = await until(async () => {
        for (let i = 0; i < 500; i++) await unary(c, 'HealthCheck', {}, token);
        const e = await unary(c, 'TpmSign', { data: Buffer.from('x') }, token).then(() => undefined, (err) => err);
        return e;
      }, 40, 0);
      assert.equal(refusal.code, grpc.status.UNAVAILABLE);
      assert.match(refusal.details, /audit log cannot be written: the disk holding .*audit\.db is full/);

      // Reads are served; health says degraded and why.
      const read = await post(k.port, token, 'sys_context_read', { namespace: 'disk', key: 'before' });
      assert.equal(read.status, 200);
      const h = await healthz(k.port);
      assert.equal(h.body.status, 'degraded');
      assert.ok(h.body.degraded.includes('audit'), JSON.stringify(h.body));
      const detailed = await post(k.port, token, 'sys_health_check', { detailed: true });
      assert.match(detailed.body.components.audit.details.writable, /full/);

      // Space returns: the kernel serves writes again by itself, and health is ok.
      rmSync(filler);
      await until(async () => ((await post(k.port, token, 'sys_context_write', { namespace: 'disk', key: 'after', data: value })).status === 200 ? true : undefined));
      await until(async () => ((await healthz(k.port)).body.status === 'ok' ? true : undefined));
      assert.ok(await unary(c, 'TpmSign', { data: Buffer.from('x') }, token));
      c.close();
    } finally {
      k.child.kill('SIGTERM');
      assert.equal(await k.exited, 0);
    }
    // Nothing the log held while it could not write was skipped: the chain has no gap, and what was not kept is recorded.
    const db = openAuditDb(join(dataDir, 'audit.db'), { readonly: true });
    try {
      const report = verifyAuditDb(db);
      assert.equal(report.ok, true, report.summary);
      const lost = db.prepare("SELECT evidence FROM records WHERE syscall = 'audit.records_lost'").all() as { evidence: string }[];
      assert.ok(lost.length >= 1 && JSON.parse(lost[0].evidence).records > 0, 'the records not kept are counted in the log');
    } finally {
      db.close();
    }
  });
});

describe('no file descriptors left', () => {
  test('the kernel survives, says degraded, keeps serving open connections, and recovers', async () => {
    const dataDir = join(root, 'fds');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('fault-kernel.ts'), dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    const waitFor = (re: RegExp) =>
      until(async () => lines.find((l) => re.test(l)), 300, 100);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
    try {
      const port = Number((await waitFor(/^port /)).split(' ')[1]);
      const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
      const c = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
      await unary(c, 'HealthCheck', {}, token);
      child.stdin!.write('exhaust\n');
      await waitFor(/^exhausted /);
      // The first commit comes now: its checkpointer thread cannot start, and the write is not lost for it.
      const w = await unary(c, 'ContextWrite', { namespace: 'fds', key: 'k', data: Buffer.from('v') }, token).catch((e) => e);
      if (w instanceof Error) assert.ok([grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED].includes((w as grpc.ServiceError).code), String(w));
      const health = await unary(c, 'HealthCheck', { detailed: true }, token);
      assert.equal(health.status, 'degraded');
      assert.match(health.components.kernel.details.problems, /file descriptors in use/);
      child.stdin!.write('release\n');
      await waitFor(/^released/);
      const fresh = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
      // Health says so before anything is written (a thread that failed for want of descriptors is started again by the probe).
      let last: any;
      await until(async () => ((last = await unary(fresh, 'HealthCheck', { detailed: true }, token)).status === 'ok' ? true : undefined), 50).catch(() => assert.fail(`health stays ${JSON.stringify(last)}`));
      await unary(fresh, 'ContextWrite', { namespace: 'fds', key: 'k2', data: Buffer.from('v') }, token);
      assert.equal(child.exitCode, null);
      c.close();
      fresh.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('audit durability', () => {
  /** Kills the writer after `acks` acknowledgements; returns the acknowledged keys. */
  async function killedWriter(dataDir: string, acks: number): Promise<string[]> {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fixture('audited-writer.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const keys: string[] = [];
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise<void>((resolve, reject) => {
      readAckLines(child.stdout!, ([key]) => {
        keys.push(key);
        if (keys.length === acks) resolve();
      });
      child.once('exit', () => reject(new Error(`the writer exited after ${keys.length} acknowledgements`)));
    });
    child.kill('SIGKILL');
    await exited;
    return keys;
  }

  test('after SIGKILL under writes, every acknowledged write has its audit record', async () => {
    const dataDir = join(root, 'killed-writes');
    for (let round = 0; round < 3; round++) {
      const acked = await killedWriter(dataDir, 200 + 150 * round);
      const db = openAuditDb(join(dataDir, 'audit.db'), { readonly: true });
      try {
        const recorded = new Set((db.prepare("SELECT key FROM key_writes WHERE namespace = 'acked'").all() as { key: string }[]).map((r) => r.key));
        const missing = acked.filter((k) => !recorded.has(k));
        assert.deepEqual(missing, [], `round ${round}: ${missing.length} of ${acked.length} acknowledged writes have no audit record`);
        assert.equal(verifyAuditDb(db).ok, true);
      } finally {
        db.close();
      }
    }
  });

  test('a corrupt audit.db: the kernel starts, refuses calls that change something, serves reads, and health says down', async () => {
    const dataDir = join(root, 'corrupt-audit');
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, 'audit.db'), Buffer.alloc(8192, 0x5a));
    const k = await startKernel({ drivers: { loadExamples: false, watch: false } }, { dataDir });
    const { doors, adminToken: token } = k;
    try {
      const write = await post(doors.port, token, 'sys_context_write', { namespace: 'n', key: 'k', data: 'AA==' });
      assert.equal(write.status, 503);
      assert.match(write.body.message, /audit log cannot be opened: .*audit\.db is corrupt/);
      const read = await post(doors.port, token, 'sys_context_read', { namespace: 'n', key: 'k' });
      assert.equal(read.status, 404, 'a read is served (the key was never written)');
      const h = await healthz(doors.port);
      assert.equal(h.status, 503);
      assert.deepEqual([h.body.status, h.body.degraded], ['down', ['audit']]);
    } finally {
      await k.stop(1000);
    }
  });
});

describe('the data directory', () => {
  test('a second kernel is refused with the holder\'s pid; a SIGKILLed kernel leaves no lock behind', async () => {
    const dataDir = join(root, 'locked');
    const first = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    const second = await camos(['start', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`in use by another kernel \\(pid ${first.child.pid}\\)`));
    first.child.kill('SIGKILL');
    await first.exited;
    const third = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0);
  });

  test('a kernel in the same process is refused too, until the first closes', async () => {
    const dataDir = join(root, 'locked-in-process');
    const a = await openKernel({}, { dataDir });
    await assert.rejects(openKernel({}, { dataDir }), new RegExp(`in use by another kernel \\(pid ${process.pid}, this process\\)`));
    await (await a.reopen()).close();
  });

  const modes = (dir: string) =>
    Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), statSync(join(e.parentPath, e.name)).mode & 0o777]));

  test('a new data directory is 0700 and every file in it 0600, SQLite\'s -wal and -shm files too', async () => {
    const dataDir = join(root, 'modes-new');
    const { kernel: k } = await openKernel({}, { dataDir });
    try {
      await k.call('sys_context_write', { namespace: 'm', key: 'k', data: Buffer.from('v') });
      k.audit!.flush();
      const found = modes(dataDir);
      assert.ok(Object.keys(found).some((f) => f.endsWith('-wal')) && Object.keys(found).some((f) => f.endsWith('-shm')), Object.keys(found).join(' '));
      for (const [file, mode] of Object.entries(found)) assert.ok(mode === 0o600 || (mode === 0o700 && statSync(join(dataDir, file)).isDirectory()), `${file} is ${mode.toString(8)}`);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    } finally {
      await k.close();
    }
  });

  test('a data directory found wider is tightened at start, with a warning naming what was', async () => {
    const dataDir = join(root, 'modes-wide');
    await (await openKernel({}, { dataDir })).close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'context.db'), 0o644);
    chmodSync(join(dataDir, 'tokens.json'), 0o666);
    const lines: string[] = [];
    const log = createLogger('warn', { write: (l: string) => (lines.push(l), true) } as never);
    const { kernel: k } = await openKernel({}, { dataDir, logger: log });
    try {
      const warning = lines.map((l) => JSON.parse(l)).find((l) => /readable by others/.test(l.msg));
      assert.ok(warning, lines.join('\n'));
      assert.match(warning.msg, /context\.db \(was 0644\)/);
      assert.match(warning.msg, /tokens\.json \(was 0666\)/);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      for (const [file, mode] of Object.entries(modes(dataDir))) assert.ok(!(mode & 0o077), `${file} is ${mode.toString(8)}`);
    } finally {
      await k.close();
    }
  });

  for (const file of ['tokens.json', 'keys.json']) {
    test(`a corrupt ${file} fails start with an error naming the file`, async () => {
      const dataDir = join(root, `corrupt-${file}`);
      await (await openKernel({}, { dataDir })).close();
      writeFileSync(join(dataDir, file), '{"tokens": [{"tokenId": 1}], "keys": "');
      const r = await camos(['start', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`cannot start: ${join(dataDir, file).replace(/[.]/g, '\\.')} `));
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
    });
  }

  test('a context value corrupted on disk is DATA_LOSS, not its altered bytes', async () => {
    const dataDir = join(root, 'corrupt-row');
    const first = await openKernel({}, { dataDir });
    await first.kernel.call('sys_context_write', { namespace: 'rows', key: 'k', data: Buffer.from('the value') });
    await first.close();
    const db = new Database(join(dataDir, 'context.db'));
    db.prepare("UPDATE versions SET value = ? WHERE ns = 'rows' AND key = 'k'").run(Buffer.from('the valuE'));
    db.close();
    const { kernel: k } = await openKernel({}, { dataDir });
    try {
      for (const req of [{ namespace: 'rows', key: 'k' }, { namespace: 'rows', key: 'k', version: 1 }]) {
        await assert.rejects(k.call('sys_context_read', req), (e: any) => e.code === 'data_loss' && /rows\/k version 1 is corrupt/.test(e.message));
      }
    } finally {
      await k.close();
    }
  });
});
