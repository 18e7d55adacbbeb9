// Hostile wasi-command drivers (#20): a program that never exits, floods stdout, reads
// stdin forever, exits non-zero, traps or eats memory fails alone with its own status,
// audited, and the kernel goes on serving a well-behaved program between each.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateHybridKeyPair } from '../../host/crypto/hybrid.ts';
import type { Kernel } from '../../host/index.ts';
import { compileC, wasiToolchainMissing } from '../../host/toolchain/wasi-build.ts';
import { sha256Digest } from '../../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../../host/toolchain/sign.ts';
import { Code, SyscallError } from '../../host/base/errors.ts';
import type { AuditEntry } from '../../host/contract/index.ts';
import { openKernel, type OpenKernel } from '../helpers/kernel.ts';

const missing = wasiToolchainMissing();
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const key = generateHybridKeyPair();

describe('hostile wasi-command drivers beside a steady one', { skip: missing }, () => {
  let fixture: OpenKernel;
  let kernel: Kernel;
  const audit: AuditEntry[] = [];
  let load: (name: string, how: string, limits?: Record<string, number>, fields?: Record<string, unknown>) => Promise<unknown>;
  before(async () => {
    fixture = await openKernel();
    kernel = fixture.kernel;
    kernel.drivers!.trust.add(key.publicKey, 'wasi fault tests');
    const sink = kernel.auditSink;
    kernel.auditSink = { record: (e) => (audit.push(e), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
    const module = compileC(['test/fixtures/wasi/hostile.c'], join(fixture.dataDir, 'hostile.wasm'), 32);
    load = (name: string, how: string, limits: Record<string, number> = {}, fields: Record<string, unknown> = {}) => {
      const template = { name, version: '0.1.0', kind: 'wasi-command', args: [how], capabilities: { imports: ['log'] }, limits: { maxMemoryPages: 32, timeoutMs: 20_000, maxOutputBytes: 65536, ...limits }, ...fields };
      return kernel.drivers!.load({ manifest: manifestText(signManifest({ ...template, digest: sha256Digest(module) }, key)), module });
    };
    // Only the runaways have a short limit: on a loaded machine the others must not reach theirs.
    for (const how of ['spin', 'stdin-forever']) await load(how, how, { timeoutMs: 1500 });
    await load('flood', 'flood', { maxOutputBytes: 8192 });
    for (const how of ['exit', 'trap', 'hog']) await load(how, how);
    await load('steady', 'echo');
  });
  after(async () => {
    await fixture.close();
  });

  const failure = (name: string, input = 'x') =>
    kernel.drivers!.invoke(name, enc(input)).then(
      () => assert.fail(`${name} succeeded`),
      (e: SyscallError) => e,
    );
  const steady = async () => assert.equal(dec((await kernel.drivers!.invoke('steady', enc('still here'))).output), 'still here');

  test('a program that never exits is stopped at its time limit (DEADLINE_EXCEEDED), audited, and the next call is served', async () => {
    const e = await failure('spin');
    assert.equal(e.code, Code.DEADLINE_EXCEEDED);
    assert.match(e.message, /driver 'spin@0.1.0' did not answer within its 1500 ms limit/);
    assert.ok(audit.some((a) => a.syscall === 'driver.timeout' && a.target === 'Driver::spin@0.1.0'));
    await steady();
  });

  test('a program that floods stdout is stopped past its output limit (RESOURCE_EXHAUSTED)', async () => {
    const e = await failure('flood');
    assert.equal(e.code, Code.RESOURCE_EXHAUSTED);
    assert.match(e.message, /wrote more than its 8192 bytes of output \(limits.maxOutputBytes\); it was stopped/);
    await steady();
  });

  test('a program that reads stdin forever (past its EOF) is stopped at its time limit', async () => {
    const e = await failure('stdin-forever');
    assert.equal(e.code, Code.DEADLINE_EXCEEDED);
    await steady();
  });

  test("a non-zero exit is the driver's error (ABORTED) with its status and stderr tail", async () => {
    const e = await failure('exit');
    assert.equal(e.code, Code.ABORTED);
    assert.match(e.message, /driver 'exit@0.1.0' returned an error: exited with status 7; stderr ends: first line\nbad input: no greeting given/);
    await steady();
  });

  test('a trap is INTERNAL, named a trap, and audited as driver.trap', async () => {
    const e = await failure('trap');
    assert.equal(e.code, Code.INTERNAL);
    assert.match(e.message, /driver 'trap@0.1.0' trapped: .*unreachable/);
    assert.ok(audit.some((a) => a.syscall === 'driver.trap' && a.target === 'Driver::trap@0.1.0'));
    await steady();
  });

  test("a program that eats memory gets no more than its module's maximum (2 MiB here) and fails alone", async () => {
    const [hog] = await Promise.all([failure('hog'), steady()]);
    assert.equal(hog.code, Code.ABORTED);
    assert.match(hog.message, /exited with status 12; stderr ends: out of memory after 1 MiB/);
    await steady();
  });

  test('a runaway is stopped with its engine thread, not merely told to stop (the SDK kill() leaves a loop spinning)', { timeout: 60_000 }, async () => {
    const threads = () => Number(kernel.drivers!.health().details.wasi_engine_threads);
    await load('spin-again', 'echo', {}, { callEnv: ['HOW'] });
    await kernel.drivers!.invoke('spin-again', enc('warm')); // its engine started (in the manifest's 20 s), and idle
    const before = threads();
    const runaway = kernel.drivers!.invoke('spin-again', enc('x'), { env: { HOW: 'spin' }, timeoutMs: 1500 });
    assert.equal((await runaway.then(() => assert.fail('it answered'), (e: SyscallError) => e)).code, Code.DEADLINE_EXCEEDED);
    // Its replacement starts with the next call; until then the driver has one thread fewer.
    while (threads() >= before) await new Promise((resolve) => setTimeout(resolve, 20));
    await steady();
    const [gone] = await kernel.drivers!.unload('spin-again');
    assert.equal(gone.name, 'spin-again');
  });

  test('calls of every hostile program at once fail alone while steady calls keep being answered', async () => {
    const hostile = ['stdin-forever', 'flood', 'exit', 'trap'].map((n) => failure(n));
    for (let i = 0; i < 5; i++) await steady();
    const codes = (await Promise.all(hostile)).map((e) => e.code);
    assert.deepEqual(codes, [Code.DEADLINE_EXCEEDED, Code.RESOURCE_EXHAUSTED, Code.ABORTED, Code.INTERNAL]);
  });
});
