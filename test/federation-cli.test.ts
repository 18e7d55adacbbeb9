// Federation as a user runs it: `camos start --federation URL --node-id ID` in child
// processes, `camos federation identity` and `trust add` between them, `camos call` on one
// and the other, `camos federation status`; a kernel SIGKILLed during writes and restarted.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { camos, startKernelProcess, type KernelProcess } from './helpers/process.ts';
import { natsMissing, startNats, type Nats } from './helpers/nats.ts';

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('camos federation (child processes)', { skip: natsMissing }, () => {
  let nats: Nats;
  const dirs = [mkdtempSync(join(tmpdir(), 'camos-fed-1-')), mkdtempSync(join(tmpdir(), 'camos-fed-2-'))];
  const kernels: KernelProcess[] = [];
  const configFile = join(dirs[0], '..', `camos-fed-${process.pid}.json`);
  writeFileSync(configFile, JSON.stringify({ drivers: { loadExamples: false, watch: false } }));
  const start = (i: number) => startKernelProcess(['--port', '0', '--data-dir', dirs[i], '--config', configFile, '--federation', nats.url, '--node-id', `k${i + 1}`]);
  const addr = (i: number) => ['--address', `127.0.0.1:${kernels[i].port}`, '-d', dirs[i]];
  /** A syscall through the HTTP gateway (a `camos call` process per write would take seconds). */
  const call = async (i: number, syscall: string, req: unknown) => {
    try {
      const res = await fetch(`http://127.0.0.1:${kernels[i].port}/v1/${syscall}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readFileSync(join(dirs[i], 'admin.token'), 'utf8').trim()}`, 'content-type': 'application/json' },
        body: JSON.stringify(req),
      });
      return res.ok ? await res.json() : undefined;
    } catch {
      return undefined; // the kernel is down
    }
  };

  before(async () => {
    nats = await startNats();
    kernels.push(await start(0), await start(1));
    for (const [a, b] of [[0, 1], [1, 0]]) {
      const id = await camos(['federation', 'identity', '-d', dirs[a], '--node-id', `k${a + 1}`]);
      assert.equal(id.code, 0, id.stderr);
      const added = await camos(['federation', 'trust', 'add', id.stdout, '-d', dirs[b]]);
      assert.equal(added.code, 0, added.stderr);
    }
  });
  after(async () => {
    for (const k of kernels) k.child.kill('SIGKILL');
    await nats?.stop();
    for (const d of [...dirs, configFile]) rmSync(d, { recursive: true, force: true });
  });

  test('a write through one kernel is read through the other, and status names the peer', async () => {
    const w = await call(0, 'sys_context_write', { namespace: 'team', key: 'plan', data: Buffer.from('the plan').toString('base64') });
    assert.ok(w, 'written');
    await until(async () => (await call(1, 'sys_context_read', { namespace: 'team', key: 'plan' })) !== undefined, 'the write on k2');
    const r = await call(1, 'sys_context_read', { namespace: 'team', key: 'plan' });
    assert.equal(Buffer.from(r.data, 'base64').toString(), 'the plan');
    assert.equal(r.hash, w.hash);
    const status = await camos(['federation', 'status', '--json', ...addr(1)]);
    assert.equal(status.code, 0, status.stderr);
    const f = JSON.parse(status.stdout);
    assert.equal(f.status, 'ok');
    assert.match(f.details.peers, /k1/);
  });

  test('a kernel SIGKILLed during writes and restarted converges: every write it acknowledged reaches the other', async () => {
    const acked: number[] = [];
    const writes = (async () => {
      for (let i = 0; i < 200; i++) {
        const w = await call(0, 'sys_context_write', { namespace: 'crash', key: `k${i}`, data: Buffer.from(`v${i}`).toString('base64') });
        if (!w) break;
        acked.push(i);
      }
    })();
    await until(() => acked.length >= 20, 'some writes');
    kernels[0].child.kill('SIGKILL');
    await kernels[0].exited;
    await writes;
    kernels[0] = await start(0);
    await until(async () => {
      const list = await call(1, 'sys_context_list', { namespace: 'crash', limit: 1000 });
      return (list?.keys?.length ?? 0) >= acked.length;
    }, 'the acknowledged writes on k2');
    for (const i of acked.slice(-5)) {
      const r = await call(1, 'sys_context_read', { namespace: 'crash', key: `k${i}` });
      assert.equal(Buffer.from(r.data, 'base64').toString(), `v${i}`);
    }
  });
});
