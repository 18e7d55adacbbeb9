// A child of bench/memory.ts: loads some of the parts an idle camos kernel holds, prints
// "ready" and idles until killed (memory.ts measures it). PARTS: comma-separated of grpc,
// sqlite, cedar (each without camos), libs (every library the idle kernel loads, imported,
// nothing called), camos (the kernel's own modules, compiled, imported: the libraries with
// them, no kernel made); WORKERS: idle worker threads to start.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

const parts = (process.env.PARTS ?? '').split(',').filter(Boolean);
if (parts.includes('grpc')) {
  const grpc = await import('@grpc/grpc-js');
  const server = new grpc.Server();
  await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
}
if (parts.includes('sqlite')) {
  const Database = (await import('better-sqlite3')).default;
  new Database(':memory:').exec('CREATE TABLE t (x)');
}
if (parts.includes('cedar')) {
  setFlagsFromString('--wasm-num-compilation-tasks=1'); // as the kernel does (host/policy/wasm-flags.ts)
  const cedar = await import('@cedar-policy/cedar-wasm/nodejs');
  const r = cedar.isAuthorized({ principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'read' }, resource: { type: 'Doc', id: 'd' }, context: {}, policies: { staticPolicies: 'permit(principal, action, resource);' }, entities: [] });
  if (r.type !== 'success') throw new Error(`cedar: ${JSON.stringify(r)}`);
}
// The libraries an idle kernel has loaded (traced with a module-resolve hook, 3 December).
const LIBS = ['@grpc/grpc-js', '@grpc/proto-loader', '@grpc/reflection', 'grpc-health-check', 'protobufjs', 'zod', 'yaml', 'prom-client', 'pino', 'piscina', 'commander', '@opentelemetry/api', '@noble/hashes/sha2.js', '@noble/curves/ed25519.js', '@noble/post-quantum/ml-dsa.js', '@noble/post-quantum/ml-kem.js', 'pqclean'];
if (parts.includes('libs')) for (const m of LIBS) await import(m);
if (parts.includes('camos')) {
  const built = new URL('../build/js/host/', import.meta.url);
  if (!existsSync(new URL('kernel.js', built))) throw new Error('PARTS=camos needs the compiled kernel: npm run build');
  for (const m of ['cli/kernel.js', 'kernel.js', 'doors/index.js']) await import(new URL(m, built).href);
}
for (let i = 0; i < Number(process.env.WORKERS ?? 0); i++) {
  const w = new Worker('require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1 << 30);', { eval: true });
  await new Promise((resolve) => w.once('message', resolve));
  w.unref();
}
console.log('ready');
setInterval(() => {}, 1 << 30);
