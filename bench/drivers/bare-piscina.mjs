// A piscina task handler for bench/startup.ts: what the bare worker row does (instantiate
// the echo module against a reused memory, answer its output), with piscina's own
// hand-off in between instead of a plain postMessage: piscina's floor on this machine.
import { workerData } from 'node:worker_threads';

const memory = new WebAssembly.Memory(workerData.memorySpec);

export default function echo(input) {
  new Uint8Array(memory.buffer).fill(0);
  const inst = new WebAssembly.Instance(workerData.module, { env: { memory } });
  const ptr = inst.exports.cabi_realloc(0, 0, 1, input.length) >>> 0;
  new Uint8Array(memory.buffer).set(input, ptr);
  const ret = inst.exports.handle(ptr, input.length) >>> 0;
  const dv = new DataView(memory.buffer);
  return new Uint8Array(memory.buffer).slice(dv.getUint32(ret + 4, true), dv.getUint32(ret + 4, true) + dv.getUint32(ret + 8, true));
}
