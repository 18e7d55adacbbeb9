// Hostile and broken grpc drivers: one that never answers, answers garbage, closes its
// connections mid-call, dies at start, lies about who it is, or whose program is not the
// one its manifest signed. Each is refused at load or fails alone, with its status, while
// the kernel goes on answering another driver. And no process outlives its kernel, even
// one killed by SIGKILL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { TrustStore } from '../../host/drivers/trust.ts';
import { startKernel, type RunningKernel } from '../helpers/kernel.ts';
import { FIXTURE, alive, grpcManifest, key, until } from '../helpers/grpc-driver.ts';

// Inside the project (build/ is not tracked), so that a copy of the fixture finds its packages.
const tmp = mkdtempSync(join(fileURLToPath(new URL('../../build/', import.meta.url)), 'grpc-fault-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('grpc drivers that misbehave', () => {
  let k: RunningKernel;
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false, watch: false } });
    new TrustStore(k.dataDir).add(key.publicKey, 'grpc fault publisher');
    await k.unary('DriverLoad', grpcManifest('echo', { name: 'bystander' }));
  });
  after(() => k.stop());
  const call = (name: string, input: string) => k.unary('DriverInvoke', { name, input: Buffer.from(input) });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('it succeeded'),
      (e: grpc.ServiceError) => e,
    );
  /** The other driver answers while (or after) this one fails. */
  const bystanderAnswers = async () => assert.equal(Buffer.from((await call('bystander', 'still here')).output).toString(), 'still here');

  test('one that never answers fails DEADLINE_EXCEEDED at its limit, and the kernel answers others meanwhile', async () => {
    await k.unary('DriverLoad', grpcManifest('silent', { name: 'silent', limits: { timeoutMs: 400, maxOutputBytes: 1024 } }));
    const stuck = failure(call('silent', 'hello?'));
    await bystanderAnswers();
    const e = await stuck;
    assert.equal(e.code, grpc.status.DEADLINE_EXCEEDED);
    assert.match(e.details, /driver 'silent@0\.1\.0'/);
  });

  test('one that answers garbage fails INTERNAL, naming the protocol it broke', async () => {
    await k.unary('DriverLoad', grpcManifest('garbage', { name: 'garbage' }));
    const e = await failure(call('garbage', 'x'));
    assert.equal(e.code, grpc.status.INTERNAL);
    assert.match(e.details, /driver 'garbage@0\.1\.0' broke the cam_os\.Driver protocol: its answer is not a cam_os\.DriverHandleResponse/);
    await bystanderAnswers();
  });

  test('one that closes its connections mid-call fails UNAVAILABLE naming it', async () => {
    await k.unary('DriverLoad', grpcManifest('close', { name: 'closer' }));
    const e = await failure(call('closer', 'x'));
    assert.equal(e.code, grpc.status.UNAVAILABLE);
    assert.match(e.details, /driver 'closer@0\.1\.0' ended the call from its side/);
    await bystanderAnswers();
  });

  test('one that dies at start is refused at load with its exit code and its last words', async () => {
    const e = await failure(k.unary('DriverLoad', grpcManifest('die', { name: 'stillborn' })));
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /driver 'stillborn@0\.1\.0' refused: its process exited with code 3 before it served cam_os\.Driver; its last output: fixture: refusing to start/);
    const { drivers } = await k.unary('DriverList', {});
    assert.ok(!drivers.some((d: { name: string }) => d.name === 'stillborn'));
  });

  test('one that describes itself as another driver is refused, and its process stopped', async () => {
    const pidFile = join(tmp, 'impostor.pid');
    const e = await failure(k.unary('DriverLoad', grpcManifest('impostor', { name: 'impostor', command: { path: FIXTURE, args: [], env: { MODE: 'impostor', PID_FILE: pidFile } } })));
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /describes itself as 'someone-else@0\.1\.0', not as its manifest's 'impostor@0\.1\.0'/);
    assert.equal(alive(Number(readFileSync(pidFile, 'utf8'))), false);
  });

  test("a program whose bytes are not the signed digest's is refused before it runs", async () => {
    const program = join(tmp, 'changed.mjs');
    copyFileSync(FIXTURE, program);
    chmodSync(program, 0o755);
    const signed = grpcManifest('echo', { name: 'changed' }, program);
    writeFileSync(program, `${signed.module.toString()}\n// changed after signing\n`);
    // Sent with the signed bytes, run from the changed file: the file is checked too.
    const e = await failure(k.unary('DriverLoad', signed));
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /driver 'changed@0\.1\.0' refused: its program .*changed\.mjs has digest sha256:[0-9a-f]{64}, not its manifest's sha256:/);
  });

  test('bytes that are not the manifest digest are refused by verification', async () => {
    const signed = grpcManifest('echo', { name: 'tampered' });
    const e = await failure(k.unary('DriverLoad', { ...signed, module: Buffer.concat([signed.module, Buffer.from('\n')]) }));
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /module digest sha256:[0-9a-f]{64} does not match the manifest's digest/);
  });

  test('a program changed while loaded is not restarted after it dies', async () => {
    const program = join(tmp, 'swapped.mjs');
    copyFileSync(FIXTURE, program);
    chmodSync(program, 0o755);
    await k.unary('DriverLoad', grpcManifest('echo', { name: 'swapped' }, program));
    writeFileSync(program, '#!/bin/sh\necho pwned\n');
    await failure(call('swapped', 'crash'));
    await until('its refusal to restart', async () => {
      const e = await failure(call('swapped', 'x'));
      return /not restarted \(load it again\)/.test(e.details);
    });
    const e = await failure(call('swapped', 'x'));
    assert.equal(e.code, grpc.status.UNAVAILABLE);
    assert.match(e.details, /driver 'swapped@0\.1\.0' is not serving: its program .* has digest/);
  });

  test('a program that is not executable is refused, saying so', async () => {
    const program = join(tmp, 'plain.mjs');
    copyFileSync(FIXTURE, program);
    chmodSync(program, 0o644);
    const e = await failure(k.unary('DriverLoad', grpcManifest('echo', { name: 'plain' }, program)));
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /is not executable \(chmod \+x it/);
  });

  test('manifests a grpc driver cannot have are refused, every reason named', async () => {
    const e = await failure(
      k.unary('DriverLoad', grpcManifest('echo', { name: 'confused', address: '127.0.0.1:1', capabilities: { imports: ['emit-metric'], context: { read: ['docs'] } }, limits: { maxMemoryPages: 4, timeoutMs: 100, maxOutputBytes: 10 } })),
    );
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION);
    assert.match(e.details, /names either 'command' .* or 'address' .*, not both/);
    assert.match(e.details, /cannot use 'emit-metric'/);
    assert.match(e.details, /names namespaces to read .* but is not granted 'context-read'/);
    assert.match(e.details, /'limits\.maxMemoryPages' is a WebAssembly limit/);
    const remote = await failure(k.unary('DriverLoad', grpcManifest('echo', { name: 'far', command: undefined, address: '10.0.0.1:80' })));
    assert.equal(remote.code, grpc.status.FAILED_PRECONDITION);
    assert.match(remote.details, /manifest field 'address': .*loopback only/);
  });
});

describe('no grpc driver outlives its kernel', () => {
  test('a kernel killed by SIGKILL takes its drivers with it (their stdin closes)', async () => {
    const dataDir = mkdtempSync(join(tmp, 'kill-'));
    const pidFile = join(tmp, 'orphan.pid');
    new TrustStore(dataDir).add(key.publicKey, 'grpc fault publisher');
    const manifest = grpcManifest('echo', { command: { path: FIXTURE, args: [], env: { MODE: 'echo', PID_FILE: pidFile } } });
    const script = join(tmp, 'kernel.mts');
    writeFileSync(
      script,
      `import { createKernel } from ${JSON.stringify(new URL('../../host/index.ts', import.meta.url).pathname)};
const kernel = await createKernel({ config: { logLevel: 'silent', drivers: { loadExamples: false, watch: false }, dataDir: ${JSON.stringify(dataDir)} } });
await kernel.drivers.load({ manifest: ${JSON.stringify(manifest.manifestData.toString())}, module: Buffer.from(${JSON.stringify(manifest.module.toString('base64'))}, 'base64') });
process.stdout.write('loaded\\n');
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'], cwd: new URL('../..', import.meta.url).pathname });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('loaded') && resolve());
      child.once('exit', (code) => reject(new Error(`the kernel exited with ${code}`)));
    });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(pid));
    child.kill('SIGKILL');
    await until('the driver to exit after its kernel', () => !alive(pid), 10_000);
  });
});
