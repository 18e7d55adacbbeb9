// What the handlers see of the kernel (host/syscalls/services.ts): every subsystem present,
// one that is not running answering UNAVAILABLE, and no authorizer that allows by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel } from '../host/kernel.ts';
import { loadConfig } from '../host/config/index.ts';
import { createLogger } from '../host/telemetry/log.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import { notRunning } from '../host/syscalls/services.ts';

test('a kernel whose policy engine is not open refuses every call, admin\'s too: there is no permissive default authorizer', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-services-'));
  const kernel = new Kernel(loadConfig({ flags: { dataDir, logLevel: 'silent' }, env: {} }), createLogger('silent'));
  try {
    await assert.rejects(kernel.call('sys_context_read', { namespace: 'n', key: 'k' }), (e: SyscallError) => {
      assert.equal(e.code, Code.UNAVAILABLE);
      assert.match(e.message, /policy engine is not open/);
      return true;
    });
  } finally {
    await kernel.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a subsystem that is not running answers UNAVAILABLE with its reason at any member, and is not a thenable', async () => {
  const store = notRunning<{ read(): string }>('the context store is not open in this kernel');
  assert.throws(() => store.read(), (e: SyscallError) => e.code === Code.UNAVAILABLE && e.message === 'the context store is not open in this kernel');
  assert.equal(await Promise.resolve(store), store);
});
