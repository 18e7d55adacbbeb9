// `npm run bench -- drivers [--json] [--rounds N] [--calls N]`: each driver kind in one
// run, with the AssemblyScript component as the baseline: cold load (verify + compile or
// engine start + first call, a fresh digest each round so no cache helps), then warm calls
// back to back with 1 KiB in and out (p50, p99, calls/s). Both drivers echo their input.
// The load average is printed: the machine is shared.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { compileC } from '../host/toolchain/wasi-build.ts';
import { sha256Digest } from '../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { createKernel } from '../host/index.ts';
import { buildEcho, echoManifest, withPayload } from './_driver.ts';
import { report, stats, type Row } from './lib.ts';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const rounds = arg('--rounds', 5);
const calls = arg('--calls', 2000);
const dir = mkdtempSync(join(tmpdir(), 'camos-bench-drivers-'));
const key = generateHybridKeyPair();
const kernel = await createKernel({ config: { dataDir: dir, logLevel: 'silent', drivers: { loadExamples: false, watch: false } } });
const runtime = kernel.drivers!;
runtime.trust.add(key.publicKey, 'bench');

const wasiManifest = (name: string, module: Uint8Array) =>
  manifestText(signManifest({ name, version: '1.0.0', kind: 'wasi-command', capabilities: { imports: [] }, limits: { maxMemoryPages: 16, timeoutMs: 5000, maxOutputBytes: 65536 }, digest: sha256Digest(module) }, key));

const kinds = [
  { kind: 'component (AssemblyScript)', core: await buildEcho(), manifest: (name: string, m: Uint8Array) => echoManifest(key, name, '1.0.0', m) },
  { kind: 'wasi-command (C, @wasmer/sdk)', core: compileC([new URL('./drivers/echo.c', import.meta.url).pathname], join(dir, 'echo.wasm'), 16), manifest: wasiManifest },
];
const input = new Uint8Array(1024).map((_, i) => 97 + (i % 26));
const load = loadavg()[0];
const rows: Row[] = [];
try {
  for (const k of kinds) {
    const cold: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const module = withPayload(k.core, r);
      const name = `echo-${r}`;
      const t = performance.now();
      await runtime.load({ manifest: k.manifest(name, module), module });
      await runtime.invoke(name, input);
      cold.push(performance.now() - t);
      if (r < rounds - 1) await runtime.unload(name);
    }
    const warmName = `echo-${rounds - 1}`;
    for (let i = 0; i < 50; i++) await runtime.invoke(warmName, input);
    const warm: number[] = [];
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const { output } = await runtime.invoke(warmName, input);
      warm.push(performance.now() - t);
      if (output.length !== 1024) throw new Error(`${k.kind} answered ${output.length} bytes`);
    }
    const perSecond = calls / ((performance.now() - started) / 1000);
    await runtime.unload(warmName);
    const c = stats(cold);
    const w = stats(warm);
    rows.push({ kind: k.kind, 'cold p50 ms': c.p50, 'cold max ms': c.max, 'warm p50 ms': w.p50, 'warm p99 ms': w.p99, 'calls/s': Math.round(perSecond) });
  }
} finally {
  await kernel.close();
  rmSync(dir, { recursive: true, force: true });
}
report('drivers: each kind, 1 KiB in and out', rows, { rounds, calls, loadAverage1m: Math.round(load * 100) / 100, loadAverageAfter: Math.round(loadavg()[0] * 100) / 100 });
