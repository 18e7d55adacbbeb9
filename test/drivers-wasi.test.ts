// wasi-command drivers: a C program compiled to WASI here, signed, verified, loaded and
// called like a component, over gRPC and through the runtime; and what the manifest and
// module checks refuse. Skips, naming the Debian packages, where C cannot be built to WASI.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { buildDriver } from '../host/toolchain/build.ts';
import { buildWasiDriver, compileC, wasiToolchainMissing } from '../host/toolchain/wasi-build.ts';
import { scaffoldWasiDriver } from '../host/toolchain/wasi-scaffold.ts';
import { sha256Digest } from '../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { TrustStore } from '../host/drivers/trust.ts';
import type { AuditEntry } from '../host/contract/index.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';

const missing = wasiToolchainMissing();
const key = generateHybridKeyPair();
const tmp = mkdtempSync(join(tmpdir(), 'camos-wasi-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A signed wasi-command manifest for `module`, with the fields a test changes. */
export function wasiManifest(module: Uint8Array, fields: Record<string, unknown> = {}): string {
  const template = {
    name: 'hostile',
    version: '0.1.0',
    kind: 'wasi-command',
    capabilities: { imports: ['log'] },
    limits: { maxMemoryPages: 32, timeoutMs: 20_000, maxOutputBytes: 65536 },
    ...fields,
  };
  return manifestText(signManifest({ ...template, digest: sha256Digest(module) }, key));
}

describe('wasi-command drivers', { skip: missing }, () => {
  let k: RunningKernel;
  let hostile: Uint8Array;
  before(async () => {
    k = await startKernel({ drivers: { poolSize: 2, watch: false } });
    new TrustStore(k.dataDir).add(key.publicKey, 'wasi test publisher');
    hostile = compileC(['test/fixtures/wasi/hostile.c'], join(tmp, 'hostile.wasm'), 32);
  });
  after(() => k.stop());
  const load = (module: Uint8Array, fields: Record<string, unknown> = {}) => k.unary('DriverLoad', { manifestData: Buffer.from(wasiManifest(module, fields)), module: Buffer.from(module) });
  const refusal = (module: Uint8Array, fields: Record<string, unknown> = {}) =>
    load(module, fields).then(
      () => assert.fail('the driver was loaded'),
      (e) => e,
    );

  test('the example wordcount, a C program, is loaded at start and answers its counts on stdout', async () => {
    const answer = await k.unary('DriverInvoke', { name: 'wordcount', input: Buffer.from('the quick brown\nfox jumps\n') });
    assert.deepEqual(JSON.parse(Buffer.from(answer.output).toString()), { bytes: 26, lines: 2, words: 5 });
    assert.match(answer.driver, /^wordcount@/);
  });

  test('the example upcase, AssemblyScript with the WASI shim, is loaded at start and answers on stdout', async () => {
    const answer = await k.unary('DriverInvoke', { name: 'upcase', input: Buffer.from('camos, ok?') });
    assert.equal(Buffer.from(answer.output).toString(), 'CAMOS, OK?');
  });

  test('sys_driver_list shows each driver kind', async () => {
    const { drivers } = await k.unary('DriverList', {});
    const kinds = Object.fromEntries(drivers.map((d: { name: string; kind: string }) => [d.name, d.kind]));
    assert.equal(kinds.wordcount, 'wasi-command');
    assert.equal(kinds.router, 'component');
  });

  test("its argv and environment are the manifest's alone, and no host file is open to it", async () => {
    const logs: string[] = [];
    const log = k.kernel.log;
    const info = log.info.bind(log);
    log.info = ((o: unknown, m?: string) => (typeof m === 'string' && logs.push(m), info(o as object, m))) as typeof log.info;
    await load(hostile, { name: 'echo', args: ['echo', 'two'], env: { GREETING: 'hello' } });
    const answer = await k.unary('DriverInvoke', { name: 'echo', input: Buffer.from('round trip') });
    log.info = info;
    assert.equal(Buffer.from(answer.output).toString(), 'round trip');
    assert.ok(logs.includes('argc=3 greeting=hello home=(unset)'), logs.join('\n'));
    assert.ok(logs.includes('host file: none'), logs.join('\n'));
  });

  test("a call sets only the variables its manifest's callEnv names, over the manifest's env", async () => {
    const logs: string[] = [];
    const log = k.kernel.log;
    const info = log.info.bind(log);
    log.info = ((o: unknown, m?: string) => (typeof m === 'string' && logs.push(m), info(o as object, m))) as typeof log.info;
    const audit: AuditEntry[] = [];
    const sink = k.kernel.auditSink;
    k.kernel.auditSink = { record: (e) => (audit.push(e), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
    await load(hostile, { name: 'echo-env', args: ['echo'], env: { GREETING: 'hello' }, callEnv: ['GREETING'] });
    await k.unary('DriverInvoke', { name: 'echo-env', input: Buffer.from('x'), env: { GREETING: 'set by the call' } });
    k.kernel.auditSink = sink;
    log.info = info;
    const record = audit.find((a) => a.syscall === 'sys_driver_invoke' && a.evidence?.driver === 'echo-env@0.1.0');
    assert.deepEqual(record?.evidence?.env, ['GREETING']);
    assert.ok(!JSON.stringify(record).includes('set by the call'), 'the audit record holds the value a call set');
    assert.ok(logs.includes('argc=2 greeting=set by the call home=(unset)'), logs.join('\n'));
    const refused = await k.unary('DriverInvoke', { name: 'echo-env', input: Buffer.from('x'), env: { HOME: '/root' } }).catch((e) => e);
    assert.equal(refused.code, grpc.status.PERMISSION_DENIED);
    assert.match(refused.details, /lets a call set 'GREETING' \(its manifest's callEnv\), not 'HOME'/);
    const component = await k.unary('DriverInvoke', { name: 'router', input: Buffer.from('{}'), env: { GREETING: 'x' } }).catch((e) => e);
    assert.equal(component.code, grpc.status.INVALID_ARGUMENT);
    assert.match(component.details, /is a component: a call sets no environment/);
  });

  test('a read-write directory grant keeps what a call writes, for the next call and on the host', async () => {
    await load(hostile, { name: 'notes', args: ['files'], fs: { path: '/workspace/data', mode: 'read-write' } });
    const dir = join(k.dataDir, 'driver-files', 'notes');
    writeFileSync(join(dir, 'seen.txt'), 'from the host;');
    assert.equal(Buffer.from((await k.unary('DriverInvoke', { name: 'notes', input: Buffer.from('one;') })).output).toString(), 'from the host;');
    assert.equal(Buffer.from((await k.unary('DriverInvoke', { name: 'notes', input: Buffer.from('two;') })).output).toString(), 'from the host;one;');
    assert.equal(readFileSync(join(dir, 'seen.txt'), 'utf8'), 'from the host;one;two;');
  });

  test('a read-only directory grant shows the files, and drops what a call writes', async () => {
    await load(hostile, { name: 'reader', args: ['files'], fs: { path: '/workspace/data', mode: 'read-only' } });
    const dir = join(k.dataDir, 'driver-files', 'reader');
    writeFileSync(join(dir, 'seen.txt'), 'fixed;');
    for (const input of ['one;', 'two;']) assert.equal(Buffer.from((await k.unary('DriverInvoke', { name: 'reader', input: Buffer.from(input) })).output).toString(), 'fixed;');
    assert.equal(readFileSync(join(dir, 'seen.txt'), 'utf8'), 'fixed;');
  });

  test('a read-write call that writes past fs.maxBytes is RESOURCE_EXHAUSTED and keeps nothing', async () => {
    await load(hostile, { name: 'filler', args: ['files', 'big'], fs: { path: '/workspace/data', mode: 'read-write', maxBytes: 32768 } });
    const dir = join(k.dataDir, 'driver-files', 'filler');
    writeFileSync(join(dir, 'seen.txt'), 'before;');
    const e = await k.unary('DriverInvoke', { name: 'filler', input: Buffer.from('x') }).catch((e) => e);
    assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(e.details, /wrote more than its fs.maxBytes of 32768 bytes into \/workspace\/data; nothing it wrote was kept/);
    assert.equal(readFileSync(join(dir, 'seen.txt'), 'utf8'), 'before;');
  });

  test('a directory grant outside /workspace, or with ..,  is refused at load', async () => {
    for (const path of ['/etc', '/workspace/../etc']) {
      const e = await refusal(hostile, { name: 'escape', args: ['files'], fs: { path, mode: 'read-only' } });
      assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
      assert.match(e.details, /manifest field 'fs.path'/);
    }
  });

  test('a scaffolded C driver (driver new --kind wasi-command --lang c) builds, signs, loads and answers', async () => {
    const dir = join(tmp, 'greet');
    scaffoldWasiDriver(dir, 'greet', 'c');
    const built = buildWasiDriver(dir);
    const manifest = manifestText(signManifest({ ...built.template, digest: built.digest, module: 'greet.wasm' }, key));
    await k.unary('DriverLoad', { manifestData: Buffer.from(manifest), module: Buffer.from(built.module) });
    const answer = await k.unary('DriverInvoke', { name: 'greet', input: Buffer.from('camos') });
    assert.equal(Buffer.from(answer.output).toString(), 'hello, camos');
    const empty = await k.unary('DriverInvoke', { name: 'greet', input: Buffer.alloc(0) }).catch((e) => e);
    assert.equal(empty.code, grpc.status.ABORTED);
    assert.match(empty.details, /exited with status 1; stderr ends: greet: no name given on stdin/);
  });

  test('a module that is not a WASI command (a reactor, no _start) is refused at load', async () => {
    const reactor = compileC(['test/fixtures/wasi/reactor.c'], join(tmp, 'reactor.wasm'), 16, ['-mexec-model=reactor']);
    const e = await refusal(reactor, { name: 'reactor' });
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /does not export '_start': it is not a WASI command/);
  });

  test('bytes that are not WebAssembly under a wasi-command manifest are refused', async () => {
    const e = await refusal(new TextEncoder().encode('#!/bin/sh\nrm -rf /\n'), { name: 'script' });
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /module is not a readable WebAssembly component or module: not a WebAssembly binary/);
  });

  test('a component under a wasi-command manifest is refused, and named so', async () => {
    const built = await buildDriver('drivers-as/router');
    const e = await refusal(built.component, { name: 'router-as-wasi' });
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /is a component, but a wasi-command driver is a core module/);
  });

  test('a module without a memory maximum, or one above its manifest limit, is refused', async () => {
    const unbounded = compileC(['test/fixtures/wasi/hostile.c'], join(tmp, 'unbounded.wasm'));
    const e1 = await refusal(unbounded, { name: 'unbounded' });
    assert.match(e1.details, /declares its memory without a maximum; link it with -Wl,--max-memory=/);
    const e2 = await refusal(hostile, { name: 'over', limits: { maxMemoryPages: 16, timeoutMs: 1000, maxOutputBytes: 1024 } });
    assert.match(e2.details, /declares a memory maximum of 32 pages \(2 MiB\) but its manifest allows 16 pages \(1 MiB\)/);
  });

  test('a wasi-command manifest cannot grant context access or camos host functions', async () => {
    const e = await refusal(hostile, { name: 'greedy', capabilities: { imports: ['log', 'context-read'], context: { read: ['secrets'] } } });
    assert.match(e.details, /cannot use 'context-read'/);
    assert.match(e.details, /has no context access/);
  });

  test('a module whose bytes differ from the signed digest, or a manifest signed by an untrusted key, is refused', async () => {
    const tampered = hostile.slice();
    tampered[tampered.length - 1] ^= 1;
    const manifest = wasiManifest(hostile, { name: 'tampered' });
    const e1 = await k.unary('DriverLoad', { manifestData: Buffer.from(manifest), module: Buffer.from(tampered) }).catch((e) => e);
    assert.match(e1.details, /does not match the manifest's digest/);
    const stranger = generateHybridKeyPair();
    const foreign = manifestText(signManifest({ name: 'foreign', version: '0.1.0', kind: 'wasi-command', capabilities: { imports: [] }, limits: { maxMemoryPages: 32, timeoutMs: 1000, maxOutputBytes: 1024 }, digest: sha256Digest(hostile) }, stranger));
    const e2 = await k.unary('DriverLoad', { manifestData: Buffer.from(foreign), module: Buffer.from(hostile) }).catch((e) => e);
    assert.match(e2.details, /is not in the trust store/);
  });

  test('args and env are refused on a component manifest', async () => {
    const built = await buildDriver('drivers-as/router');
    const manifest = manifestText(signManifest({ ...built.template, name: 'router-args', args: ['x'], digest: built.digest }, key));
    const e = await k.unary('DriverLoad', { manifestData: Buffer.from(manifest), module: Buffer.from(built.component) }).catch((e) => e);
    assert.match(e.details, /'args' is a field of wasi-command drivers/);
  });
});
