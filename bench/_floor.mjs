// A child of bench/memory.ts: loads some of the parts an idle camos kernel holds, without
// camos, prints "ready" and idles until killed (memory.ts measures it). PARTS:
// comma-separated of grpc, sqlite, cedar; WORKERS: idle worker threads to start.
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
for (let i = 0; i < Number(process.env.WORKERS ?? 0); i++) {
  const w = new Worker('require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1 << 30);', { eval: true });
  await new Promise((resolve) => w.once('message', resolve));
  w.unref();
}
console.log('ready');
setInterval(() => {}, 1 << 30);
