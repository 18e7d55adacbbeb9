// WebAssembly drivers: signed components whose core modules run on a pool of worker
// threads (piscina), one fresh instance per call, under memory, time, output and capability limits.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import type { ContextStore } from '../context/index.ts';
import type { AuditSink, Component, DriverScope } from '../contract/index.ts';
import type { Logger } from '../telemetry/log.ts';
import { buildAndSignAll } from '../toolchain/build.ts';
import { ensureLocalPublisher } from '../toolchain/keys.ts';
import { buildGrpcDriver, shippedGrpcDriverDirs } from '../toolchain/grpc-build.ts';
import { buildWasiDriver, shippedWasiDriverDirs } from '../toolchain/wasi-build.ts';
import { signManifest, manifestText } from '../toolchain/sign.ts';
import { enforceTrust } from './revocation.ts';
import { DriverRuntime } from './runtime.ts';
import { TrustStore } from './trust.ts';
import { DriverWatcher } from './watch.ts';

export { DriverRuntime, compareVersions, parseRef } from './runtime.ts';
export type { DriverInfo, DriverLimits, InvokeOptions, InvokeResult, SharedChange, VerifiedDriver } from './runtime.ts';
export type { LoadOptions, LoadOutcome, LoadSource } from './loader.ts';
export { DriverWatcher } from './watch.ts';
export { namespaceGranted } from './abi.mjs';

/**
 * Opens the runtime: starts the pool, withdraws drivers whose key loses trust from then
 * on, loads the example drivers (built from drivers-as/ and signed by this kernel's own
 * publisher key, which its trust store holds), then the manifests of the watched
 * directory. The component closes the watcher, then the pool.
 */
export async function openDrivers(deps: {
  config: Config['drivers'];
  dataDir: string;
  log: Logger;
  registry: Registry;
  context: ContextStore;
  audit: () => AuditSink;
  driverToken(scope: DriverScope): { token: string; revoke(): void };
}): Promise<{ runtime: DriverRuntime; component: Component }> {
  const { config, dataDir, log } = deps;
  const trust = new TrustStore(dataDir);
  const maxThreads = config.poolSize || 2 * availableParallelism();
  const runtime = new DriverRuntime({
    maxThreads,
    idleTimeoutMs: config.idleTimeoutMs,
    maxConcurrentCallsPerDriver: config.maxConcurrentCallsPerDriver || Math.ceil(maxThreads / 2),
    workerNice: config.workerNice,
    defaultTimeoutMs: config.defaultTimeoutMs,
    maxTimeoutMs: config.maxTimeoutMs,
    maxMemoryPages: config.maxMemoryPages,
    memoryWarningBytes: config.memoryWarningMiB * 2 ** 20,
    trust,
    driversDir: resolve(dataDir, config.dir || 'drivers'),
    dataDir,
    log,
    registry: deps.registry,
    context: deps.context,
    audit: deps.audit,
    driverToken: deps.driverToken,
  });
  const stopEnforcing = enforceTrust(runtime, log);
  let watcher: DriverWatcher | undefined;
  const component: Component = {
    name: 'drivers',
    health: () => runtime.health(),
    close: async () => {
      stopEnforcing();
      await watcher?.close();
      await runtime.close();
    },
  };
  try {
    if (config.loadExamples) await loadExamples(dataDir, log, runtime, trust);
    if (config.watch) {
      watcher = new DriverWatcher(runtime.driversDir, runtime, trust, log);
      runtime.watcher = watcher;
      await watcher.start();
    }
  } catch (e) {
    await component.close!();
    throw e;
  }
  return { runtime, component };
}

async function loadExamples(dataDir: string, log: Logger, runtime: DriverRuntime, trust: TrustStore): Promise<void> {
  const key = ensureLocalPublisher(dataDir, trust);
  let signed: Awaited<ReturnType<typeof buildAndSignAll>>;
  try {
    signed = await buildAndSignAll({ key });
  } catch (e) {
    log.error({ err: (e as Error).message }, 'example drivers could not be built; starting without them');
    return;
  }
  for (const s of signed) {
    // A refusal is logged and audited by the loader; the kernel starts without that driver.
    await runtime
      .load({ manifest: s.manifestText, module: s.build.component }, { origin: `example:drivers-as/${s.build.name}`, audit: true })
      .catch((e: Error) => log.warn({ driver: `${s.build.name}@${s.build.version}`, err: e.message }, 'example driver not loaded'));
  }
  for (const dir of shippedWasiDriverDirs()) {
    try {
      const b = buildWasiDriver(dir);
      const manifest = manifestText(signManifest({ ...b.template, digest: b.digest, module: `${b.name}.wasm` }, key));
      await runtime.load({ manifest, module: b.module }, { origin: `example:drivers-wasi/${b.name}`, audit: true });
    } catch (e) {
      // A machine without the C toolchain starts without these; the message names its packages.
      log.warn({ dir, err: (e as Error).message }, 'example wasi-command driver not loaded');
    }
  }
  for (const dir of shippedGrpcDriverDirs()) {
    try {
      const b = buildGrpcDriver(dir);
      // The command names the bundled script by its absolute path: the runtime starts that file, digest checked.
      const manifest = manifestText(signManifest({ ...b.template, command: { ...b.template.command!, path: b.programPath }, digest: b.digest }, key));
      await runtime.load({ manifest, module: b.program }, { origin: `example:drivers-grpc/${b.name}`, audit: true });
    } catch (e) {
      log.warn({ dir, err: (e as Error).message }, 'example grpc driver not loaded');
    }
  }
}
