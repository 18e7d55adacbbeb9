// The federation's work queue (tasks.distribution "federation") over a real nats-server: a
// task committed on one kernel runs on another that has the driver; a kernel SIGKILLed while
// it runs a task leaves it to another, and the task's context writes are committed once;
// TaskStatus answers on any kernel; a forged task on the queue is refused.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { publicKeyFromJson, publicKeyToJson } from '../host/crypto/index.ts';
import { addTrustedPeer } from '../host/federation/index.ts';
import { workSubject } from '../host/federation/subjects.ts';
import { buildProbe, probeManifest } from './fixtures/probe.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';
import { mesh, nodeOf, until, useMesh } from './helpers/mesh.ts';
import { natsMissing, startNats, type Nats } from './helpers/nats.ts';

const skip = natsMissing;
const WORK = { config: { tasks: { distribution: 'federation' } }, federation: { workAckWaitMs: 1500 } } as const;
const publisher = generateHybridKeyPair();
let core: Uint8Array;
const manifest = () => probeManifest(core, publisher, { timeoutMs: 8000 });

async function loadProbe(k: RunningKernel): Promise<void> {
  k.kernel.drivers!.trust.add(publisher.publicKey, 'test publisher');
  await k.kernel.call('sys_driver_load', { manifestData: Buffer.from(manifest()), module: Buffer.from(core) });
}

const status = (k: RunningKernel, taskId: string) => k.kernel.call('sys_task_status', { taskId }).catch(() => undefined);
const versions = async (k: RunningKernel, key: string) => (await k.kernel.call('sys_context_version_list', { namespace: 'probe', key }).catch(() => ({ versions: [] }))).versions;

describe('federation work queue: a task committed on k1 runs on k2', { skip }, () => {
  const ks = useMesh(2, WORK);
  before(async () => {
    core = await buildProbe();
    await loadProbe(ks[1]);
  });

  test('k1 has no probe driver, k2 has: the task runs on k2, its write reaches k1, TaskStatus on k1 names k2', async () => {
    assert.equal(ks[0].kernel.drivers!.has('probe'), false);
    const out = await ks[0].kernel.call('sys_commit_task', { task: { id: 'remote-1', target: 'driver:probe', payload: Buffer.from('wremote-1') } });
    assert.equal(out.state, 'queued');
    await until(async () => (await status(ks[0], 'remote-1'))?.state === 'succeeded', 'the task succeeded, as k1 sees it');
    const s = await status(ks[0], 'remote-1');
    assert.equal(s.node, 'k2');
    assert.deepEqual(s.keysWritten, ['probe/remote-1']);
    assert.equal((await status(ks[1], 'remote-1')).state, 'succeeded', 'k2 answers the same');
    await until(async () => (await versions(ks[0], 'remote-1')).length === 1, "the task's write on k1");
    assert.equal((await versions(ks[0], 'remote-1'))[0].origin, 'k2');
  });

  test('the same status over gRPC on k1, with its node', async () => {
    const s = await ks[0].unary('TaskStatus', { taskId: 'remote-1' });
    assert.equal(s.state, 'succeeded');
    assert.equal(s.node, 'k2');
  });

  test('a task id already used anywhere in the federation is refused (FAILED_PRECONDITION)', async () => {
    await assert.rejects(ks[1].kernel.call('sys_commit_task', { task: { id: 'remote-1', target: 'driver:probe', payload: Buffer.from('e') } }), { code: 'failed_precondition', message: /already exists in the federation/ });
  });

  test('a driver failure with retries left is retried, then failed, as every kernel sees it', async () => {
    await ks[0].kernel.call('sys_commit_task', { task: { id: 'remote-fail', target: 'driver:probe', payload: Buffer.from('Eno'), maxRetries: 1 } });
    await until(async () => (await status(ks[0], 'remote-fail'))?.state === 'failed', 'the task failed');
    const s = await status(ks[0], 'remote-fail');
    assert.equal(s.attempts, 2);
    assert.match(s.error, /refused: no/);
  });

  test('a forged task on the work subject (unsigned, or signed by a key not in the trust list) is refused, counted and never run', async () => {
    const nc = await connect({ servers: ks.nats!.url });
    const subject = workSubject('camos', 'probe');
    const body = JSON.stringify({ v: 1, kind: 'task', cluster: 'camos', node: 'k1', keyId: ks[0].kernel.keys!.identity().keyId, ts: Date.now(), body: { id: 'forged-1', agentId: 'admin', handler: 'probe', payload: Buffer.from('wforged').toString('base64'), maxRetries: 0, deadline: 0, queuedAt: Date.now() } });
    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    await js.publish(subject, body);
    await nc.close();
    await until(async () => (await ks[1].kernel.metrics.registry.getSingleMetricAsString('camos_federation_refused_total')).includes('reason="unsigned"'), 'the refusal counted on k2');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await versions(ks[1], 'forged')).length, 0, 'the forged task wrote nothing');
    assert.equal(await status(ks[1], 'forged-1'), undefined);
    const refused = ks[1].kernel.audit!.query({ syscalls: ['federation.refused'], limit: 10 }).records;
    assert.ok(refused.some((r) => r.evidence.reason === 'unsigned'));
  });
});

/** A federated kernel in a child process, with the probe loaded: what a SIGKILL can stop. */
async function childKernel(nats: Nats, nodeId: string, dataDir: string, files: { module: string; manifest: string }): Promise<{ child: ChildProcess; key: ReturnType<typeof publicKeyToJson> }> {
  const config = { tasks: { distribution: 'federation' }, federation: { url: nats.url, nodeId, workAckWaitMs: 1500 } };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/fed-kernel.ts', dataDir, JSON.stringify(config), JSON.stringify({ ...files, publisher: publicKeyToJson(publisher.publicKey) })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const key = out.match(/^key (.*)$/m);
      if (key && /^ready$/m.test(out)) resolve({ child, key: JSON.parse(key[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the child kernel exited with ${code}: ${out}`)));
  });
}

describe('federation work queue: a kernel SIGKILLed mid-task', { skip }, () => {
  let nats: Nats;
  let ks: RunningKernel[] = [];
  let k2: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'camos-fedwork-'));
  before(async () => {
    core ??= await buildProbe();
    nats = await startNats();
    ks = await mesh(nats, 2, { ...WORK, names: ['k1', 'k3'] }); // k2 is a child process
  });
  after(async () => {
    k2?.kill('SIGKILL');
    for (const k of ks) await k.stop();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the task is redelivered to k3, and its context write is committed once', async () => {
    const [k1, k3] = ks;
    const files = { module: join(dir, 'probe.wasm'), manifest: join(dir, 'probe.json') };
    writeFileSync(files.module, core);
    writeFileSync(files.manifest, manifest());
    const k2Dir = join(dir, 'k2');
    mkdirSync(k2Dir, { mode: 0o700 });
    for (const k of ks) addTrustedPeer(k2Dir, nodeOf(k), publicKeyToJson(k.kernel.keys!.identity()));
    const started = await childKernel(nats, 'k2', k2Dir, files);
    k2 = started.child;
    for (const k of ks) addTrustedPeer(k.dataDir, 'k2', started.key);
    assert.ok(publicKeyFromJson(started.key));

    // "s": write probe/<key>, then run on for 3 s: k2 is killed while it runs.
    await k1.kernel.call('sys_commit_task', { task: { id: 'killed-1', target: 'driver:probe', payload: Buffer.from('skilled-1') } });
    await until(async () => (await status(k1, 'killed-1'))?.node === 'k2' && (await status(k1, 'killed-1'))?.state === 'running', 'k2 running the task', 3000);
    k2.kill('SIGKILL');
    await new Promise((r) => k2!.once('exit', r));
    await loadProbe(k3);
    await until(async () => (await status(k1, 'killed-1'))?.state === 'succeeded', 'the task succeeded elsewhere', 3000);
    const s = await status(k1, 'killed-1');
    assert.equal(s.node, 'k3');
    assert.equal(s.attempts, 2, 'the second attempt, after k2 died in the first');
    await until(async () => (await versions(k1, 'killed-1')).length > 0, "the task's write on k1");
    await new Promise((r) => setTimeout(r, 300));
    const vs = await versions(k1, 'killed-1');
    assert.deepEqual(vs.map((v: any) => v.origin), ['k3'], 'one version, from k3: k2 died before committing');
    const redelivered = k3.kernel.audit!.query({ syscalls: ['task.dispatched'], taskId: 'killed-1', limit: 10 }).records;
    assert.equal(redelivered[0]?.evidence.redelivered, true);
  });
});
