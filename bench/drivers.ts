// `npm run bench -- drivers [--json] [--rounds N] [--calls N]`: each driver kind in one
// run, with the AssemblyScript component as the baseline: cold load (verify + compile or
// engine start + first call, a fresh digest each round so no cache helps), then warm calls
// back to back with 1 KiB in and out (p50, p99, calls/s). Every driver echoes its input.
// The grpc kind's last row is its floor: the same 1 KiB unary RPC from a bare grpc-js
// client straight to the driver's socket, no kernel in between (where its time goes).
// The load average is printed: the machine is shared.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { compileC } from '../host/toolchain/wasi-build.ts';
import { sha256Digest } from '../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { buildGrpcDriver } from '../host/toolchain/grpc-build.ts';
import { encode } from '../host/wire/codec.ts';
import { messageType } from '../host/wire/proto.ts';
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

// Built inside the project (build/ is untracked): the script finds its packages and the proto from there.
const grpcOut = new URL('../build/bench/echo-grpc', import.meta.url).pathname;
const grpcEcho = buildGrpcDriver(new URL('./drivers/echo-grpc', import.meta.url).pathname, { outDir: grpcOut });
// A fresh digest each round: the script with a comment naming its round, in a file of its own.
const grpcRound = (r: number) => {
  const bytes = Buffer.concat([Buffer.from(grpcEcho.program), Buffer.from(`\n// round ${r}\n`)]);
  const path = join(grpcOut, `echo-grpc-${r}.mjs`);
  writeFileSync(path, bytes);
  chmodSync(path, 0o755);
  return { path, bytes: new Uint8Array(bytes) };
};
const grpcPaths = new Map<string, string>();
const grpcManifest = (name: string, module: Uint8Array) =>
  manifestText(signManifest({ ...grpcEcho.template, name, version: '1.0.0', command: { path: grpcPaths.get(name)!, args: [], env: { NAME: name } }, digest: sha256Digest(module) }, key));

const kinds = [
  { kind: 'component (AssemblyScript)', core: await buildEcho(), manifest: (name: string, m: Uint8Array) => echoManifest(key, name, '1.0.0', m) },
  { kind: 'wasi-command (C, @wasmer/sdk)', core: compileC([new URL('./drivers/echo.c', import.meta.url).pathname], join(dir, 'echo.wasm'), 16), manifest: wasiManifest },
  { kind: 'grpc (TypeScript, own process, Unix socket)', grpc: true, core: new Uint8Array(0), manifest: grpcManifest },
];
const input = new Uint8Array(1024).map((_, i) => 97 + (i % 26));
const load = loadavg()[0];
const rows: Row[] = [];
try {
  for (const k of kinds) {
    const cold: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const name = `echo-${r}`;
      let module: Uint8Array;
      if ('grpc' in k) {
        const p = grpcRound(r);
        grpcPaths.set(name, p.path);
        module = p.bytes;
      } else module = withPayload(k.core, r);
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
    const c = stats(cold);
    const w = stats(warm);
    rows.push({ kind: k.kind, 'cold p50 ms': c.p50, 'cold max ms': c.max, 'warm p50 ms': w.p50, 'warm p99 ms': w.p99, 'calls/s': Math.round(perSecond) });
    if ('grpc' in k) rows.push(await grpcFloor(kernel.dataDir));
    await runtime.unload(warmName);
  }
} finally {
  await kernel.close();
  rmSync(dir, { recursive: true, force: true });
}
/** The same RPC as the runtime's, from a bare client to the running driver's socket. */
async function grpcFloor(dataDir: string): Promise<Row> {
  const { readdirSync } = await import('node:fs');
  const socket = readdirSync(join(dataDir, 'driver-sockets')).find((f) => f.endsWith('.sock'))!;
  const client = new grpc.Client(`unix:${join(dataDir, 'driver-sockets', socket)}`, grpc.credentials.createInsecure());
  const type = messageType('DriverHandleResponse');
  const once = () =>
    new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest('/cam_os.Driver/Handle', (v: unknown) => Buffer.from(encode('DriverHandleRequest', v)), (b: Buffer) => type.decode(b), { input }, new grpc.Metadata(), { deadline: new Date(Date.now() + 5000) }, (e) => (e ? reject(e) : resolve())),
    );
  for (let i = 0; i < 50; i++) await once();
  const warm: number[] = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await once();
    warm.push(performance.now() - t);
  }
  const perSecond = calls / ((performance.now() - started) / 1000);
  client.close();
  const w = stats(warm);
  return { kind: '  floor: bare grpc-js client to its socket', 'cold p50 ms': 0, 'cold max ms': 0, 'warm p50 ms': w.p50, 'warm p99 ms': w.p99, 'calls/s': Math.round(perSecond) };
}

report('drivers: each kind, 1 KiB in and out', rows, { rounds, calls, loadAverage1m: Math.round(load * 100) / 100, loadAverageAfter: Math.round(loadavg()[0] * 100) / 100 });
