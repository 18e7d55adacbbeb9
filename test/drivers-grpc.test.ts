// grpc drivers (kind "grpc"): a process of its own serving cam_os.Driver, started and
// supervised by the kernel, signed, verified and audited like the other kinds; its token
// reads and writes context in its manifest's namespaces only; the example context-lookup.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { TrustStore } from '../host/drivers/trust.ts';
import { buildGrpcDriver } from '../host/toolchain/grpc-build.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import type { AuditEntry } from '../host/contract/index.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';
import { FIXTURE, alive, grpcManifest, key, until } from './helpers/grpc-driver.ts';

describe('grpc drivers', () => {
  let k: RunningKernel;
  const audit: AuditEntry[] = [];
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false, watch: false } });
    new TrustStore(k.dataDir).add(key.publicKey, 'grpc test publisher');
    const sink = k.kernel.auditSink;
    k.kernel.auditSink = { record: (e) => (audit.push(e), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
  });
  after(() => k.stop());
  const call = (name: string, input: string | Buffer, extra: Record<string, unknown> = {}) => k.unary('DriverInvoke', { name, input: Buffer.from(input), ...extra });
  const whoami = async (name: string) => JSON.parse(Buffer.from((await call(name, 'whoami')).output).toString());
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('the call succeeded'),
      (e: grpc.ServiceError) => e,
    );

  test('a signed grpc manifest starts its process, which answers 1 KiB back; sys_driver_list says its kind', async () => {
    const loaded = await k.unary('DriverLoad', grpcManifest('echo', { name: 'echo' }));
    assert.equal(loaded.driver.kind, 'grpc');
    const input = Buffer.alloc(1024, 7);
    const answer = await call('echo', input);
    assert.deepEqual(Buffer.from(answer.output), input);
    assert.equal(answer.driver, 'echo@0.1.0');
    const { drivers } = await k.unary('DriverList', {});
    const echo = drivers.find((d: { name: string }) => d.name === 'echo');
    assert.equal(echo.kind, 'grpc');
    assert.equal(Number(echo.limits.maxConcurrentCalls), 16);
    assert.ok(audit.some((e) => e.syscall === 'sys_driver_invoke' && e.outcome === 'ok' && e.evidence.driver === 'echo@0.1.0' && e.evidence.outputBytes === 1024));
  });

  test("a call's deadline, caller and trace context travel to the driver", async () => {
    const me = await whoami('echo');
    const record = audit.findLast((e) => e.syscall === 'sys_driver_invoke')!;
    assert.equal(me.caller, 'admin');
    assert.equal(me.traceparent, `00-${record.traceId}-${record.spanId}-01`);
    assert.ok(me.deadlineInMs > 0 && me.deadlineInMs <= 5000, `deadline in ${me.deadlineInMs} ms`);
    assert.equal(me.kernelAddress, k.address);
  });

  test("the driver's own error fails the call ABORTED with its message", async () => {
    const e = await failure(call('echo', 'fail'));
    assert.equal(e.code, grpc.status.ABORTED);
    assert.match(e.details, /driver 'echo@0\.1\.0' returned an error: fixture: asked to fail/);
  });

  test("its token reads and writes the manifest's namespaces, and is refused everything else", async () => {
    const { token } = await whoami('echo');
    await k.unary('ContextWrite', { namespace: 'docs', key: 'readme', data: Buffer.from('hello') });
    const read = await k.unary('ContextRead', { namespace: 'docs', key: 'readme' }, token);
    assert.equal(Buffer.from(read.data).toString(), 'hello');
    await k.unary('ContextWrite', { namespace: 'scratch', key: 'n', data: Buffer.from('1') }, token);
    await k.unary('ContextWrite', { namespace: 'secret', key: 'k', data: Buffer.from('x') });
    const denied = await failure(k.unary('ContextRead', { namespace: 'secret', key: 'k' }, token));
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    assert.match(denied.details, /driver 'echo@0\.1\.0' may not read namespace 'secret': its manifest grants reads of 'docs', 'docs\.\*'/);
    const noWrite = await failure(k.unary('ContextWrite', { namespace: 'docs', key: 'x', data: Buffer.from('y') }, token));
    assert.equal(noWrite.code, grpc.status.PERMISSION_DENIED);
    const other = await failure(k.unary('DriverList', {}, token));
    assert.equal(other.code, grpc.status.PERMISSION_DENIED);
    assert.match(other.details, /good for sys_context_read and sys_context_write/);
    assert.ok(audit.some((e) => e.caller === 'driver:echo@0.1.0' && e.outcome === 'denied' && e.policies?.includes('manifest:echo@0.1.0')));
  });

  test('a process that dies mid-call fails that call UNAVAILABLE naming the driver, and is restarted', async () => {
    await k.unary('DriverLoad', grpcManifest('echo', { name: 'phoenix' }));
    const before = (await whoami('phoenix')).pid;
    const e = await failure(call('phoenix', 'crash'));
    assert.equal(e.code, grpc.status.UNAVAILABLE);
    assert.match(e.details, /driver 'phoenix@0\.1\.0'/);
    let between: grpc.ServiceError | undefined;
    await until('the restarted process to answer', async () => {
      try {
        await call('phoenix', 'ping');
        return true;
      } catch (err) {
        between = err as grpc.ServiceError;
        return false;
      }
    });
    if (between) {
      assert.equal(between.code, grpc.status.UNAVAILABLE);
      assert.match(between.details, /driver 'phoenix@0\.1\.0' is (starting|not serving: its process exited with code 7)/);
    }
    const after = (await whoami('phoenix')).pid;
    assert.notEqual(after, before);
    assert.equal(alive(before), false);
    assert.ok(audit.some((r) => r.syscall === 'driver.exited' && r.evidence.driver === 'phoenix@0.1.0' && r.evidence.code === 7));
    assert.ok(audit.some((r) => r.syscall === 'driver.restarted' && r.evidence.driver === 'phoenix@0.1.0'));
  });

  test('unload stops its process and ends its token', async () => {
    await k.unary('DriverLoad', grpcManifest('echo', { name: 'brief' }));
    const { pid, token } = await whoami('brief');
    assert.ok(alive(pid));
    await k.unary('DriverUnload', { name: 'brief' });
    assert.equal(alive(pid), false);
    const e = await failure(k.unary('ContextRead', { namespace: 'docs', key: 'readme' }, token));
    assert.equal(e.code, grpc.status.UNAUTHENTICATED);
  });

  test('a driver at an address (a process already running) is reached there', async (t) => {
    const child = spawn(FIXTURE, [], { env: { ...process.env, MODE: 'echo', NAME: 'remote', LISTEN: '127.0.0.1:0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.kill());
    const port = await new Promise<number>((resolve) => child.stdout!.on('data', (d: Buffer) => resolve(Number(/port (\d+)/.exec(d.toString())![1]))));
    const m = grpcManifest('echo', { name: 'remote', command: undefined, address: `127.0.0.1:${port}`, digest: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    await k.unary('DriverLoad', { manifestData: m.manifestData, module: Buffer.alloc(0) });
    assert.equal(Buffer.from((await call('remote', 'over tcp')).output).toString(), 'over tcp');
    child.kill();
    await until('its exit', () => child.exitCode !== null || child.signalCode !== null);
    const e = await failure(call('remote', 'gone'));
    assert.equal(e.code, grpc.status.UNAVAILABLE);
    assert.match(e.details, /driver 'remote@0\.1\.0'/);
    await k.unary('DriverUnload', { name: 'remote' });
  });

  test('the example context-lookup reads context back through the kernel with its own token', async () => {
    const b = buildGrpcDriver('drivers-grpc/context-lookup');
    const manifest = manifestText(signManifest({ ...b.template, command: { ...b.template.command!, path: b.programPath }, digest: b.digest }, key));
    await k.unary('DriverLoad', { manifestData: Buffer.from(manifest), module: Buffer.from(b.program) });
    await k.unary('ContextWrite', { namespace: 'docs.guide', key: 'intro', data: Buffer.from('read me') });
    const answer = await call('context-lookup', JSON.stringify({ namespace: 'docs.guide', key: 'intro' }));
    assert.deepEqual(JSON.parse(Buffer.from(answer.output).toString()), { key: 'intro', version: 1, bytes: 7, text: 'read me' });
    const e = await failure(call('context-lookup', JSON.stringify({ namespace: 'secret', key: 'k' })));
    assert.equal(e.code, grpc.status.ABORTED);
    assert.match(e.details, /may not read namespace 'secret'/);
    await k.unary('DriverUnload', { name: 'context-lookup' });
  });

  test('closing the kernel stops every process it started', async () => {
    const k2 = await startKernel({ drivers: { loadExamples: false, watch: false } });
    new TrustStore(k2.dataDir).add(key.publicKey, 'grpc test publisher');
    await k2.unary('DriverLoad', grpcManifest('echo', { name: 'short' }));
    const { pid } = JSON.parse(Buffer.from((await k2.unary('DriverInvoke', { name: 'short', input: Buffer.from('whoami') })).output).toString());
    assert.ok(alive(pid));
    await k2.stop();
    assert.equal(alive(pid), false);
  });
});
