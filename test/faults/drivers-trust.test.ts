// Hostile inputs at the driver trust boundary: a key that loses trust while its drivers are
// loaded (in the kernel, and through the CLI against a running kernel process), and
// sys_driver_load paths that try to read files outside the drivers directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../../host/index.ts';
import { generateHybridKeyPair, type HybridKeyPair } from '../../host/crypto/hybrid.ts';
import { writeKeyPair } from '../../host/toolchain/keys.ts';
import { Code, SyscallError } from '../../host/base/errors.ts';
import { buildProbe, probeManifest } from '../fixtures/probe.ts';
import { openKernel, type OpenKernel } from '../helpers/kernel.ts';
import { camos, startKernelProcess } from '../helpers/process.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
// What a shadow file looks like; no part of it may come back in an answer.
const SECRET = 'root:$y$j9T$SECRETSALT$SECRETHASHSECRETHASH:19700:0:99999:7:::\n';

/** Scratch files beside the kernel's data directory (data/), such as a shadow file outside its drivers directory. */
let dir: string;
let fixture: OpenKernel;
let kernel: Kernel;
let core: Uint8Array;
let publisher: HybridKeyPair;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'camos-faults-trust-'));
  fixture = await openKernel({ drivers: { poolSize: 1 } }, { dataDir: join(dir, 'data') });
  kernel = fixture.kernel;
  core = await buildProbe();
  publisher = generateHybridKeyPair();
  kernel.drivers!.trust.add(publisher.publicKey, 'fault publisher');
});

after(async () => {
  await fixture.close();
  rmSync(dir, { recursive: true, force: true });
});

const load = (manifest: string, module = core) => kernel.call('sys_driver_load', { manifestData: Buffer.from(manifest), module: Buffer.from(module) });
const call = (name: string, input = 'eok') => kernel.call('sys_driver_invoke', { name, input: Buffer.from(input) });

/** Rejects with `code`, and the message says `reason` and nothing of SECRET. */
async function refusedWithoutEcho(request: Record<string, unknown>, code: Code, reason: RegExp): Promise<void> {
  await assert.rejects(kernel.call('sys_driver_load', request), (e: SyscallError) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, reason);
    for (const part of ['root:', 'SECRET', '$y$', createHash('sha256').update(SECRET).digest('hex')]) assert.ok(!e.message.includes(part), `the answer quotes the file: ${e.message}`);
    return true;
  });
}

describe('a key that loses trust takes its drivers with it', () => {
  test('revoking a key withdraws every driver it signed at once, with an audit record each', async () => {
    const other = generateHybridKeyPair();
    kernel.drivers!.trust.add(other.publicKey, 'other publisher');
    await load(probeManifest(core, publisher, { name: 'revoked-one' }));
    await load(probeManifest(core, publisher, { name: 'revoked-two' }));
    await load(probeManifest(core, other, { name: 'bystander' }));
    assert.equal(dec((await call('revoked-one')).output), 'ok');
    const since = Date.now();

    kernel.drivers!.trust.revoke(publisher.publicKey.keyId);

    assert.deepEqual(kernel.drivers!.list().map((d) => d.name), ['bystander'], 'a driver of another key stays');
    for (const name of ['revoked-one', 'revoked-two']) {
      await assert.rejects(call(name), (e: SyscallError) => {
        assert.equal(e.code, Code.PERMISSION_DENIED);
        assert.match(e.message, new RegExp(`'${name}@1.0.0' was unloaded: its publisher key ${publisher.publicKey.keyId} \\(fault publisher\\) was revoked`));
        return true;
      });
    }
    assert.equal(dec((await call('bystander')).output), 'ok');
    const records = kernel.audit!.query({ syscalls: ['driver.unloaded'], since }).records;
    assert.deepEqual(records.map((r) => r.target).sort(), ['Driver::revoked-one@1.0.0', 'Driver::revoked-two@1.0.0']);
    assert.ok(records.every((r) => (r.evidence as any).publisher === publisher.publicKey.keyId && (r.evidence as any).reason === 'publisher key revoked'));
  });

  test('a revoked key’s manifests are refused, and a build signed by a trusted key loads again', async () => {
    await assert.rejects(load(probeManifest(core, publisher, { name: 'revoked-one' })), (e: SyscallError) => e.code === Code.FAILED_PRECONDITION && /is revoked/.test(e.message));
    const fresh = generateHybridKeyPair();
    kernel.drivers!.trust.add(fresh.publicKey, 'fresh publisher');
    await load(probeManifest(core, fresh, { name: 'revoked-one' }));
    assert.equal(dec((await call('revoked-one')).output), 'ok', 'the withdrawal ends when the driver is loaded again');
    await kernel.drivers!.unload('revoked-one');
  });

  test('removing a key withdraws its drivers; a call in flight finishes', async () => {
    const key = generateHybridKeyPair();
    kernel.drivers!.trust.add(key.publicKey, 'to be removed');
    await load(probeManifest(core, key, { name: 'removed' }));
    const inFlight = kernel.drivers!.invoke('removed', enc('estill here'));
    kernel.drivers!.trust.remove(key.publicKey.keyId);
    await assert.rejects(call('removed'), (e: SyscallError) => {
      assert.equal(e.code, Code.PERMISSION_DENIED);
      assert.match(e.message, new RegExp(`publisher key ${key.publicKey.keyId} was removed from the trust store`));
      return true;
    });
    assert.equal(dec((await inFlight).output), 'still here');
  });

  test('a key revoked while its driver compiles: the load is refused', async () => {
    const key = generateHybridKeyPair();
    kernel.drivers!.trust.add(key.publicKey, 'revoked mid-load');
    const loading = load(probeManifest(core, key, { name: 'midload' }));
    await new Promise((resolve) => setImmediate(resolve)); // the manifest is verified; the module compiles
    kernel.drivers!.trust.revoke(key.publicKey.keyId);
    await assert.rejects(loading, (e: SyscallError) => e.code === Code.FAILED_PRECONDITION && /was revoked while it loaded/.test(e.message));
    assert.equal(kernel.drivers!.has('midload'), false);
  });

  test('`camos trust revoke` against a running kernel’s data dir: its next call is PERMISSION_DENIED naming the key', async () => {
    const at = join(dir, 'process');
    const dataDir = join(at, 'data');
    mkdirSync(at);
    writeFileSync(join(at, 'camos.config.json'), JSON.stringify({ drivers: { loadExamples: false, poolSize: 1 } }));
    const key = generateHybridKeyPair();
    const keyFile = join(at, 'me.json');
    const pubFile = writeKeyPair(keyFile, key);
    writeFileSync(join(at, 'cli.component.wasm'), core);
    writeFileSync(join(at, 'cli.manifest.json'), probeManifest(core, key, { name: 'cli' }));
    const k = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--config', join(at, 'camos.config.json'), '--log-level', 'warn']);
    try {
      const conn = ['--address', `127.0.0.1:${k.port}`, '--data-dir', dataDir];
      const added = await camos(['trust', 'add', pubFile, '--name', 'cli publisher', '--data-dir', dataDir]);
      assert.equal(added.code, 0, added.stderr);
      const loaded = await camos(['driver', 'load', join(at, 'cli.manifest.json'), ...conn]);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.equal(JSON.parse((await camos(['driver', 'call', 'cli', 'eok', ...conn])).stdout), 'ok');

      const revoked = await camos(['trust', 'revoke', key.publicKey.keyId, '--data-dir', dataDir]);
      assert.equal(revoked.code, 0, revoked.stderr);

      const denied = await camos(['driver', 'call', 'cli', 'eok', ...conn]);
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, new RegExp(`PERMISSION_DENIED: driver 'cli@1.0.0' was unloaded: its publisher key ${key.publicKey.keyId} \\(cli publisher\\) was revoked`));
      const listed = JSON.parse((await camos(['driver', 'list', ...conn])).stdout);
      assert.deepEqual(listed.drivers ?? [], []);
    } finally {
      k.child.kill('SIGTERM');
      await k.exited;
    }
  });
});

describe('sys_driver_load reads manifests from the drivers directory only, and quotes no file', () => {
  let drivers: string;
  let shadow: string;

  before(() => {
    drivers = kernel.drivers!.driversDir;
    mkdirSync(join(drivers, 'sub'), { recursive: true });
    shadow = join(dir, 'shadow');
    writeFileSync(shadow, SECRET, { mode: 0o600 });
  });

  test('an absolute path outside it (a shadow-like file) is refused', async () => {
    await refusedWithoutEcho({ manifestPath: shadow }, Code.PERMISSION_DENIED, /is outside the drivers directory/);
    await refusedWithoutEcho({ manifestPath: '/etc/shadow' }, Code.PERMISSION_DENIED, /is outside the drivers directory/);
  });

  test('a path climbing out with ../ is refused', async () => {
    await refusedWithoutEcho({ manifestPath: '../../shadow' }, Code.PERMISSION_DENIED, /is outside the drivers directory/);
    await refusedWithoutEcho({ manifestPath: join(drivers, 'sub', '..', '..', '..', 'shadow') }, Code.PERMISSION_DENIED, /is outside the drivers directory/);
  });

  test('a symbolic link in it that leads out, to a file or through a directory, is refused', async () => {
    symlinkSync(shadow, join(drivers, 'link.manifest.json'));
    symlinkSync(dir, join(drivers, 'linked-dir'));
    await refusedWithoutEcho({ manifestPath: 'link.manifest.json' }, Code.PERMISSION_DENIED, /symbolic link/);
    await refusedWithoutEcho({ manifestPath: join(drivers, 'linked-dir', 'shadow') }, Code.PERMISSION_DENIED, /symbolic link/);
  });

  test('a manifest in it whose module climbs out of it is refused before the module is read', async () => {
    const manifest = JSON.parse(probeManifest(core, publisher, { name: 'escaper' }));
    writeFileSync(join(drivers, 'sub', 'escaper.manifest.json'), JSON.stringify({ ...manifest, module: '../../../shadow' }));
    await refusedWithoutEcho({ manifestPath: 'sub/escaper.manifest.json' }, Code.PERMISSION_DENIED, /component of manifest .* is outside the drivers directory/);
  });

  test('a manifest whose module is an absolute path looks for it below the manifest’s folder', async () => {
    const manifest = JSON.parse(probeManifest(core, publisher, { name: 'absolute' }));
    writeFileSync(join(drivers, 'sub', 'abs.manifest.json'), JSON.stringify({ ...manifest, module: shadow }));
    await refusedWithoutEcho({ manifestPath: 'sub/abs.manifest.json' }, Code.NOT_FOUND, new RegExp(`${join(drivers, 'sub', shadow)} does not exist in the drivers directory`));
  });

  test('a file in it that is not JSON is refused without being quoted', async () => {
    writeFileSync(join(drivers, 'sub', 'shadow.json'), SECRET);
    await refusedWithoutEcho({ manifestPath: 'sub/shadow.json' }, Code.INVALID_ARGUMENT, /is not valid JSON$/);
  });

  test('a FIFO in it is refused without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(drivers, 'sub', 'fifo.manifest.json')]);
    await refusedWithoutEcho({ manifestPath: 'sub/fifo.manifest.json' }, Code.INVALID_ARGUMENT, /is not a regular file/);
  });

  test('a path that does not exist in it is NOT_FOUND', async () => {
    await refusedWithoutEcho({ manifestPath: 'sub/nothing.manifest.json' }, Code.NOT_FOUND, /does not exist in the drivers directory/);
  });

  test('a signed manifest in it loads by a path relative to it', async () => {
    writeFileSync(join(drivers, 'sub', 'inside.component.wasm'), core);
    writeFileSync(join(drivers, 'sub', 'inside.manifest.json'), probeManifest(core, generateAndTrust(), { name: 'inside' }));
    const { driver } = await kernel.call('sys_driver_load', { manifestPath: 'sub/inside.manifest.json' });
    assert.equal(`${driver.name}@${driver.version}`, 'inside@1.0.0');
    assert.equal(dec((await call('inside')).output), 'ok');
    await kernel.drivers!.unload('inside');
  });
});

function generateAndTrust(): HybridKeyPair {
  const key = generateHybridKeyPair();
  kernel.drivers!.trust.add(key.publicKey);
  return key;
}
