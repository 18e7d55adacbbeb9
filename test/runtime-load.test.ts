// Loading drivers: refusals (nothing loaded), versions side by side, unload waiting for
// calls in flight, hot loading from the watched directory and hot swap under load.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { generateHybridKeyPair, type HybridKeyPair } from '../host/crypto/hybrid.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import { buildProbe, probeManifest, withMemoryMaximum } from './fixtures/probe.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let fixture: OpenKernel;
let kernel: Kernel;
let core: Uint8Array;
let trusted: HybridKeyPair;

before(async () => {
  fixture = await openKernel({ drivers: { poolSize: 2, watch: true } });
  kernel = fixture.kernel;
  core = await buildProbe();
  trusted = generateHybridKeyPair();
  kernel.drivers!.trust.add(trusted.publicKey, 'test publisher');
});

after(async () => {
  await fixture.close();
});

async function load(manifest: string, module: Uint8Array = core) {
  return kernel.call('sys_driver_load', { manifestData: Buffer.from(manifest), module: Buffer.from(module) });
}

async function refused(manifest: string, module: Uint8Array, reason: RegExp): Promise<void> {
  await assert.rejects(load(manifest, module), (e: SyscallError) => {
    assert.equal(e.code, Code.FAILED_PRECONDITION);
    assert.match(e.message, reason);
    return true;
  });
  assert.deepEqual(kernel.drivers!.list(), [], 'nothing is loaded after a refusal');
}

describe('refused at load, nothing loaded', () => {
  test('one flipped bit in the module', async () => {
    const flipped = core.slice();
    flipped[flipped.length - 20] ^= 1;
    await refused(probeManifest(core, trusted), flipped, /does not match the manifest's digest/);
  });

  test('one flipped bit in the manifest', async () => {
    const text = probeManifest(core, trusted).replace('runtime test probe', 'runtime test probf');
    await refused(text, core, /signature does not verify/);
  });

  test('a manifest signed by a key the trust store does not hold', async () => {
    await refused(probeManifest(core, generateHybridKeyPair()), core, /not in the trust store/);
  });

  test('a manifest signed by a revoked key', async () => {
    const revoked = generateHybridKeyPair();
    kernel.drivers!.trust.add(revoked.publicKey, 'to be revoked');
    kernel.drivers!.trust.revoke(revoked.publicKey.keyId);
    await refused(probeManifest(core, revoked), core, /is revoked/);
  });

  test('a signature made by another key than the publisher', async () => {
    const other = JSON.parse(probeManifest(core, generateHybridKeyPair()));
    other.publisher = trusted.publicKey.keyId;
    await refused(JSON.stringify(other), core, /signature was made by key [0-9a-f]{16}, not by the manifest's publisher/);
  });

  test('a manifest whose digest names other bytes', async () => {
    const other = withMemoryMaximum(core, 8);
    await refused(probeManifest(other, trusted, { maxMemoryPages: 16 }), core, /does not match the manifest's digest/);
  });

  test('a module importing a host function its manifest does not grant', async () => {
    await refused(probeManifest(core, trusted, { imports: ['log'] }), core, /imports 'context-read' but its manifest grants only 'log'/);
  });

  test('a module declaring a memory maximum beyond its manifest limit', async () => {
    await refused(probeManifest(core, trusted, { maxMemoryPages: 8 }), core, /memory maximum of 16 pages .* allows 8 pages/);
  });

  test('a module declaring memory without a maximum', async () => {
    const unbounded = withMemoryMaximum(core, undefined);
    await refused(probeManifest(unbounded, trusted), unbounded, /without a maximum/);
  });
});

describe('versions', () => {
  test('two versions load side by side; name@version calls one, the bare name the newest', async () => {
    await load(probeManifest(core, trusted, { name: 'twin', version: '1.2.0' }));
    await load(probeManifest(core, trusted, { name: 'twin', version: '1.10.0' }));
    const bare = await kernel.call('sys_driver_invoke', { name: 'twin', input: Buffer.from('ex') });
    const pinned = await kernel.call('sys_driver_invoke', { name: 'twin', version: '1.2.0', input: Buffer.from('ex') });
    assert.equal(bare.driver, 'twin@1.10.0');
    assert.equal(pinned.driver, 'twin@1.2.0');
    assert.equal(dec(pinned.output), 'x');
    const { drivers } = await kernel.call('sys_driver_list', {});
    assert.deepEqual(drivers.filter((d: { name: string }) => d.name === 'twin').map((d: { version: string }) => d.version), ['1.2.0', '1.10.0']);
    await kernel.call('sys_driver_unload', { name: 'twin' });
    assert.equal(kernel.drivers!.has('twin'), false);
  });

  test('sys_driver_load reads a manifest path in the drivers directory and the component beside it', async () => {
    const at = join(kernel.drivers!.driversDir, 'by-path');
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'bypath.component.wasm'), core);
    writeFileSync(join(at, 'bypath.manifest.json'), probeManifest(core, trusted, { name: 'bypath' }));
    const { driver } = await kernel.call('sys_driver_load', { manifestPath: join(at, 'bypath.manifest.json') });
    assert.equal(`${driver.name}@${driver.version}`, 'bypath@1.0.0');
    assert.equal(dec((await kernel.drivers!.invoke('bypath', enc('ehere'))).output), 'here');
    await kernel.drivers!.unload('bypath');
  });

  test('an unknown driver answers NOT_FOUND naming it', async () => {
    await assert.rejects(kernel.call('sys_driver_invoke', { name: 'nobody', input: Buffer.from('e') }), (e: SyscallError) => {
      assert.equal(e.code, Code.NOT_FOUND);
      assert.match(e.message, /'nobody' is not loaded/);
      return true;
    });
  });

  test('unload waits for the calls in flight, which finish on the unloaded driver', async () => {
    await load(probeManifest(core, trusted, { name: 'slowpoke' }));
    const order: string[] = [];
    const echo = kernel.drivers!.invoke('slowpoke', enc('eok'));
    const busy = kernel.drivers!.invoke('slowpoke', enc('l'), { timeoutMs: 300 }).catch((e: SyscallError) => {
      order.push('call ended');
      return e;
    });
    const unloading = kernel.drivers!.unload('slowpoke').then(() => order.push('unloaded'));
    assert.equal(kernel.drivers!.has('slowpoke'), false, 'no new call reaches an unloading driver');
    assert.equal(dec((await echo).output), 'ok');
    assert.equal(((await busy) as SyscallError).code, Code.DEADLINE_EXCEEDED);
    await unloading;
    assert.deepEqual(order, ['call ended', 'unloaded']);
  });
});

describe('hot loading from the watched directory', () => {
  const watched = () => kernel.drivers!.watcher!.dir;

  /** Writes the component then the manifest, as a publisher's copy would. */
  function publish(file: string, manifest: string): void {
    const m = JSON.parse(manifest);
    writeFileSync(join(watched(), `${m.name}.component.wasm`), core);
    writeFileSync(join(watched(), `.${file}.tmp`), manifest);
    renameSync(join(watched(), `.${file}.tmp`), join(watched(), file));
  }

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    await kernel.drivers!.watcher!.settled();
    assert.ok(check(), 'the watcher applied the change');
  }

  test('a new manifest loads; a newer version swaps in with no failed call; removal unloads', async () => {
    publish('hot.manifest.json', probeManifest(core, trusted, { name: 'hot', version: '1.0.0' }));
    await until(() => kernel.drivers!.has('hot@1.0.0'));

    const seen = new Set<string>();
    const failures: unknown[] = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; i < 2000 && !stop; i++) {
        await Promise.all(
          [0, 1, 2].map(() =>
            kernel.drivers!.invoke('hot', enc('eping')).then(
              (r) => seen.add(r.driver),
              (e) => failures.push(e),
            ),
          ),
        );
      }
    })();
    publish('hot.manifest.json', probeManifest(core, trusted, { name: 'hot', version: '1.1.0' }));
    await until(() => kernel.drivers!.has('hot@1.1.0') && !kernel.drivers!.has('hot@1.0.0'));
    for (let i = 0; i < 100 && !seen.has('hot@1.1.0'); i++) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(seen.has('hot@1.0.0') && seen.has('hot@1.1.0'), `calls ran on both versions: ${[...seen]}`);

    unlinkSync(join(watched(), 'hot.manifest.json'));
    await until(() => !kernel.drivers!.has('hot'));
  });

  test('a refused manifest in the directory loads nothing', async () => {
    publish('rogue.manifest.json', probeManifest(core, generateHybridKeyPair(), { name: 'rogue' }));
    await new Promise((r) => setTimeout(r, 300));
    await kernel.drivers!.watcher!.settled();
    assert.equal(kernel.drivers!.has('rogue'), false);
  });
});
