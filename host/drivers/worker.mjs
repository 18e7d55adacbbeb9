// The driver worker, a piscina task handler (pool.ts): instantiates a driver's core module
// against host functions that implement the canonical ABI of the camos:driver world, runs
// init and handle, and answers with the output and the call's side effects (context writes,
// logs, metrics), which the main thread applies only when the call succeeds. Plain
// JavaScript: no loader in the worker, so a replaced worker (after a timeout) is ready in
// milliseconds.
import { MessageChannel, parentPort, receiveMessageOnPort, threadId, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { lowerPriority } from '../base/threads.mjs';
import { HOST_MODULE as HOST } from './abi.mjs';
import { CALL, DONE, ENDED, FLAG, MEMORY, PHASE, RETIRING, RUNNING, STARTED, STATE_BYTES, now, stateViews } from './worker-state.mjs';
/** @typedef {import('./messages.d.mts').BridgeAnswer} BridgeAnswer */
/** @typedef {import('./messages.d.mts').BridgeQuestion} BridgeQuestion */
/** @typedef {import('./messages.d.mts').DriverSettings} DriverSettings */
/** @typedef {import('./messages.d.mts').MissingAnswer} MissingAnswer */
/** @typedef {import('./messages.d.mts').PoolWorkerData} PoolWorkerData */
/** @typedef {import('./messages.d.mts').TaskMessage} TaskMessage */
/** @typedef {import('./messages.d.mts').WakeMessage} WakeMessage */
/** @typedef {import('./messages.d.mts').WorkerAnnouncement} WorkerAnnouncement */
/** @typedef {import('./messages.d.mts').WorkerAnswer} WorkerAnswer */

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
const MAX_LOGS = 64;
const MAX_LOG_BYTES = 4096;
const MAX_METRICS = 256;
/** Bytes a result record takes (canonical ABI: u8 discriminant at +0, i32 ptr at +4, i32 len at +8). */
const RESULT_BYTES = 12;
/**
 * Memory outside V8's heap (a driver's WebAssembly memories, live or not yet collected)
 * above which a worker retires after its call: a grown memory dropped by a call stays
 * resident until the worker's next full garbage collection, which an idle worker may not
 * run for a long time (docs/BENCHMARKS.md, "startup").
 */
const RETIRE_ABOVE_BYTES = 64 * 2 ** 20;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A host function refusing the driver something, or a pointer outside its memory: unwinds the guest like a trap. */
class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** The manifest's namespace patterns: exact, a prefix ending in '*' ("team/*"), or '*' (manifest.ts namespaceAllowed). */
function granted(patterns, namespace) {
  return patterns.some((p) => p === '*' || p === namespace || (p.endsWith('*') && namespace.startsWith(p.slice(0, -1))));
}

/**
 * [ptr, ptr + len) as unsigned numbers (a WebAssembly i32 arrives signed), refused when it
 * does not lie inside memory: reading or writing it would clip, or wrap to the other end.
 */
function range(bytes, what, ptr, len) {
  const start = ptr >>> 0;
  const end = start + (len >>> 0);
  if (end > bytes.byteLength) throw new Refusal('OUT_OF_BOUNDS', `${what} [${start}, ${end}) outside its memory of ${bytes.byteLength} bytes`);
  return start;
}

/**
 * One call: a fresh instance, init with the driver's configuration, handle with the input.
 * `bridge`: { port, flag } for context-read, or undefined; `call`: the call's number in
 * the pool, which the bridge's questions name; `deadline`: when a context-read stops
 * waiting for the main thread (worker-state.mjs `now`).
 * @param {DriverSettings & { module: WebAssembly.Module }} driver
 * @returns {WorkerAnswer}
 */
export function run(driver, input, bridge, call, deadline) {
  const effects = { writes: [], logs: [], metrics: [] };
  const staged = new Map(); // "ns\0key" -> bytes: the call reads its own writes
  let instance;
  // A module that imports its memory gets one capped at the manifest's limit, from this
  // worker's pool of zeroed memories (see takeMemory).
  const imported = driver.importedMemory ? takeMemory(driver.importedMemory) : undefined;
  const memory = () => new Uint8Array((imported ?? instance.exports.memory).buffer);
  const bytesAt = (what, ptr, len) => {
    const m = memory();
    const start = range(m, what, ptr, len);
    return m.slice(start, start + (len >>> 0));
  };
  const stringAt = (what, ptr, len, max = Infinity) => {
    const m = memory();
    const start = range(m, what, ptr, len);
    return utf8.decode(m.subarray(start, start + Math.min(len >>> 0, max)));
  };

  /** Copies bytes into guest memory through its allocator; returns the guest pointer. */
  const give = (bytes) => {
    const ptr = instance.exports.cabi_realloc(0, 0, 1, bytes.length);
    const m = memory();
    m.set(bytes, range(m, 'answered an allocation (cabi_realloc) with', ptr, bytes.length));
    return ptr >>> 0;
  };

  const host = {
    log(level, ptr, len) {
      if (effects.logs.length >= MAX_LOGS) return;
      effects.logs.push({ level: LEVELS[level] ?? 'info', message: stringAt('passed a log message', ptr, len, MAX_LOG_BYTES) });
    },
    'context-read'(nsPtr, nsLen, keyPtr, keyLen, retPtr) {
      const namespace = stringAt('passed a context-read namespace', nsPtr, nsLen);
      const key = stringAt('passed a context-read key', keyPtr, keyLen);
      range(memory(), 'asked for the context-read result at', retPtr, RESULT_BYTES);
      if (!granted(driver.reads, namespace)) {
        throw new Refusal('PERMISSION_DENIED', `read of '${namespace}/${key}' denied: the manifest grants reads of [${driver.reads.join(', ')}]`);
      }
      const own = staged.get(`${namespace}\0${key}`);
      const value = own !== undefined ? own : ask(bridge, call, deadline, namespace, key);
      const ret = retPtr >>> 0;
      if (value === null) {
        memory()[ret] = 0;
        return;
      }
      const ptr = give(value);
      const dv = new DataView(memory().buffer); // the allocator may have grown (and so replaced) the buffer
      dv.setUint8(ret, 1);
      dv.setUint32(ret + 4, ptr, true);
      dv.setUint32(ret + 8, value.length, true);
    },
    'context-write'(nsPtr, nsLen, keyPtr, keyLen, valPtr, valLen) {
      const namespace = stringAt('passed a context-write namespace', nsPtr, nsLen);
      const key = stringAt('passed a context-write key', keyPtr, keyLen);
      const value = bytesAt('passed a context-write value', valPtr, valLen);
      if (!granted(driver.writes, namespace)) {
        throw new Refusal('PERMISSION_DENIED', `write of '${namespace}/${key}' denied: the manifest grants writes to [${driver.writes.join(', ')}]`);
      }
      staged.set(`${namespace}\0${key}`, value);
      effects.writes.push({ namespace, key, value });
    },
    'emit-metric'(ptr, len, value) {
      if (effects.metrics.length < MAX_METRICS) effects.metrics.push({ name: stringAt('passed a metric name', ptr, len, 128), value });
    },
    'now-ms'() {
      return BigInt(Date.now());
    },
  };
  const imports = {};
  for (const name of driver.capabilities) if (name in host) (imports[HOST] ??= {})[name] = host[name];
  if (imported) imports.env = { memory: imported };

  let phase = 'init';
  try {
    instance = new WebAssembly.Instance(driver.module, imports);
    const ex = instance.exports;
    // Once per instance, before handle (the WIT world's `init`); no configuration is empty bytes.
    if (typeof ex.init === 'function') {
      const config = driver.config;
      if (config?.length) ex.init(give(config), config.length);
      else ex.init(0, 0);
    }
    phase = 'handle';
    const result = ex.handle(give(input), input.length);
    const ret = range(memory(), 'returned its result record at', result, RESULT_BYTES); // after handle: it may have grown memory
    const dv = new DataView(memory().buffer);
    const tag = dv.getUint8(ret);
    const ptr = dv.getUint32(ret + 4, true);
    const len = dv.getUint32(ret + 8, true);
    if (tag === 1) {
      return answerOf(effects, undefined, { code: 'DRIVER_ERROR', message: stringAt('returned an error message', ptr, len, MAX_LOG_BYTES) });
    }
    if (tag !== 0) return answerOf(effects, undefined, { code: 'TRAP', message: `handle returned a result with discriminant ${tag} (expected 0 or 1)` });
    if (len > driver.maxOutputBytes) {
      return answerOf(effects, undefined, { code: 'OUTPUT_TOO_LARGE', message: `output of ${len} bytes is over the manifest's limit of ${driver.maxOutputBytes} bytes` });
    }
    const output = bytesAt('returned output', ptr, len);
    if (ex.cabi_post_handle) ex.cabi_post_handle(ret);
    return answerOf(effects, output, undefined);
  } catch (e) {
    if (e instanceof Refusal) return answerOf(effects, undefined, { code: e.code, message: e.message });
    const message = e instanceof WebAssembly.RuntimeError ? e.message : `${e instanceof WebAssembly.LinkError ? 'link error' : e.name}: ${e.message}`;
    return answerOf(effects, undefined, { code: 'TRAP', message: phase === 'init' ? `in init: ${message}` : message });
  } finally {
    if (imported) giveMemory(driver.importedMemory, imported);
  }
}

/**
 * A call's answer, always of one shape. Object spreads ({ ...effects, output }) gave each
 * answer a fresh hidden class: kilobytes per call, much of it surviving minor collections,
 * which made this thread's pauses several ms long.
 * @returns {WorkerAnswer}
 */
function answerOf(effects, output, error) {
  return { writes: effects.writes, logs: effects.logs, metrics: effects.metrics, output, error, startedAt: 0, retired: false };
}

/**
 * Memories for modules that import env.memory, by size. Creating a WebAssembly.Memory
 * reserves address space that only garbage collection gives back, which made a fresh memory
 * cost most of a call (≈ 90 µs against ≈ 15 µs reused). A memory comes back only if the call
 * did not grow it, and is zeroed first: the next call (of any driver) starts from zeros, and
 * instantiation writes the module's data segments again.
 */
const memories = new Map(); // "initial:maximum" -> WebAssembly.Memory[]
const MAX_POOLED = 4;

function takeMemory(spec) {
  return memories.get(`${spec.initial}:${spec.maximum}`)?.pop() ?? new WebAssembly.Memory(spec);
}

function giveMemory(spec, memory) {
  if (memory.buffer.byteLength !== spec.initial * 65536) return; // grown: let it go
  const key = `${spec.initial}:${spec.maximum}`;
  let free = memories.get(key);
  if (!free) memories.set(key, (free = []));
  if (free.length >= MAX_POOLED) return;
  new Uint8Array(memory.buffer).fill(0);
  free.push(memory);
}

// Under piscina (pool.ts passes workerData.camosPool). What the worker shares with the main
// thread (worker-state.mjs) and the context-read bridge are made here and announced once
// through parentPort, which piscina forwards as the pool's 'message' event. A task carries
// the call's number, its driver's key, the input and the deadline; the module and the
// driver's settings come with the first task of that key to this worker (the pool remembers
// what each worker holds). The worker keeps the MAX_MODULES most recently used; a task for
// one it dropped answers "missing", and the pool sends it again.
const MAX_MODULES = 64;

let ints;
let clock;
let bridge;
const pool = /** @type {PoolWorkerData | undefined} */ (workerData);
if (pool?.camosPool) {
  lowerPriority(pool.nice); // drivers yield the CPU to the kernel's threads
  const shared = new SharedArrayBuffer(STATE_BYTES);
  ({ ints, clock } = stateViews(shared));
  const { port1, port2 } = new MessageChannel();
  bridge = { port: port1, flag: ints };
  parentPort.postMessage(/** @type {WorkerAnnouncement} */ ({ camosDriverWorker: threadId, state: shared, bridge: port2 }), [port2]);
}

const loaded = new Map(); // key (one per loaded driver) -> driver, least recently used first

/**
 * @param {TaskMessage | WakeMessage} task
 * @returns {WorkerAnswer | MissingAnswer | null}
 */
export default function call(task) {
  if (task.wake) return null; // the pool's nudge to start a worker (pool.ts, wake)
  let driver = task.driver;
  if (driver) {
    driver.module = task.module;
  } else {
    driver = loaded.get(task.key);
    if (!driver) return { missing: true };
  }
  loaded.delete(task.key);
  loaded.set(task.key, driver);
  if (loaded.size > MAX_MODULES) loaded.delete(loaded.keys().next().value);

  const startedAt = now();
  clock[STARTED] = startedAt;
  clock[ENDED] = 0;
  Atomics.store(ints, CALL, task.call);
  Atomics.store(ints, PHASE, RUNNING);
  const answer = run(driver, task.input, driver.capabilities.includes('context-read') ? bridge : undefined, task.call, task.deadline);
  clock[ENDED] = now();
  Atomics.store(ints, PHASE, DONE);
  const heap = getHeapStatistics();
  clock[MEMORY] = heap.total_heap_size + heap.external_memory;
  answer.startedAt = startedAt;
  if (heap.external_memory > RETIRE_ABOVE_BYTES) {
    Atomics.store(ints, RETIRING, 1); // before the answer: the pool hands this worker nothing more
    answer.retired = true;
  }
  return answer;
}

/**
 * context-read needs an answer now, inside a synchronous host call: post the question to
 * the main thread, sleep on a shared flag until it answers, then take the answer from the
 * port synchronously. The bridge lives as long as the worker, so an answer carries its
 * question's number: a late answer to an earlier question (one that timed out) is skipped.
 */
let asked = 0;
function ask(bridge, call, deadline, namespace, key) {
  if (!bridge) throw new Refusal('PERMISSION_DENIED', `context-read of '${namespace}/${key}' without a context bridge`);
  const seq = ++asked;
  Atomics.store(bridge.flag, FLAG, 0);
  bridge.port.postMessage(/** @type {BridgeQuestion} */ ({ namespace, key, seq, call }));
  for (;;) {
    const msg = /** @type {{ message: BridgeAnswer } | undefined} */ (receiveMessageOnPort(bridge.port));
    if (msg) {
      if (msg.message.seq !== seq) continue;
      if (msg.message.error) throw new Refusal(msg.message.code ?? 'INTERNAL', msg.message.error);
      return msg.message.value === null ? null : new Uint8Array(msg.message.value);
    }
    const left = deadline - now();
    if (left <= 0 || Atomics.wait(bridge.flag, FLAG, 0, left) === 'timed-out') {
      throw new Refusal('DEADLINE_EXCEEDED', `context-read of '${namespace}/${key}' got no answer before the call's deadline`);
    }
    Atomics.store(bridge.flag, FLAG, 0);
  }
}
