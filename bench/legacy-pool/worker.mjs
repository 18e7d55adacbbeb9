// The driver worker of the pool before piscina (see bench/legacy-pool/pool.ts).
// The driver worker: instantiates a driver's core module against host functions that
// implement the canonical ABI of the camos:driver world, runs one call, and answers with
// the output and the call's side effects (context writes, logs, metrics), which the main
// thread applies only when the call succeeds. Plain JavaScript: no loader in the worker,
// so a replaced worker (after a timeout) is ready in milliseconds.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { lowerPriority } from '../../host/threads.mjs';

const HOST = 'camos:driver/host@0.1.0';
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
const MAX_LOGS = 64;
const MAX_LOG_BYTES = 4096;
const MAX_METRICS = 256;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A host function refusing the driver something: unwinds the guest like a trap. */
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
 * task: { module, driver, input, config, maxOutputBytes, capabilities: string[],
 *         reads: string[], writes: string[], importedMemory?: { initial, maximum },
 *         started: Float64Array(2) (shared: when the call began and ended running, so that
 *         neither queueing nor a busy main thread counts against its time limit),
 *         port?: MessagePort, flag?: Int32Array, waitMs, call?: its number in the pool }
 */
export default function run(task) {
  task.started[0] = Date.now();
  const module = task.module;

  const effects = { writes: [], logs: [], metrics: [] };
  const staged = new Map(); // "ns\0key" -> bytes: the call reads its own writes
  let instance;
  // A module that imports its memory gets one capped at the manifest's limit, from this
  // worker's pool of zeroed memories (see takeMemory).
  const imported = task.importedMemory ? takeMemory(task.importedMemory) : undefined;
  const buffer = () => (imported ?? instance.exports.memory).buffer;
  const memory = () => new Uint8Array(buffer());
  const view = () => new DataView(buffer());
  const bytesAt = (ptr, len) => memory().slice(ptr, ptr + len);
  const stringAt = (ptr, len) => utf8.decode(memory().subarray(ptr, ptr + len));

  /** Copies bytes into guest memory through its allocator; returns the guest pointer. */
  const give = (bytes) => {
    const ptr = instance.exports.cabi_realloc(0, 0, 1, bytes.length) >>> 0;
    memory().set(bytes, ptr);
    return ptr;
  };

  const host = {
    log(level, ptr, len) {
      if (effects.logs.length >= MAX_LOGS) return;
      effects.logs.push({ level: LEVELS[level] ?? 'info', message: stringAt(ptr, Math.min(len, MAX_LOG_BYTES)) });
    },
    'context-read'(nsPtr, nsLen, keyPtr, keyLen, retPtr) {
      const namespace = stringAt(nsPtr, nsLen);
      const key = stringAt(keyPtr, keyLen);
      if (!granted(task.reads, namespace)) {
        throw new Refusal('PERMISSION_DENIED', `read of '${namespace}/${key}' denied: the manifest grants reads of [${task.reads.join(', ')}]`);
      }
      const own = staged.get(`${namespace}\0${key}`);
      const value = own !== undefined ? own : ask(task, namespace, key);
      const dv = view();
      if (value === null) {
        dv.setUint8(retPtr, 0);
        return;
      }
      const ptr = give(value);
      const after = view(); // the allocator may have grown (and so replaced) the buffer
      after.setUint8(retPtr, 1);
      after.setUint32(retPtr + 4, ptr, true);
      after.setUint32(retPtr + 8, value.length, true);
    },
    'context-write'(nsPtr, nsLen, keyPtr, keyLen, valPtr, valLen) {
      const namespace = stringAt(nsPtr, nsLen);
      const key = stringAt(keyPtr, keyLen);
      if (!granted(task.writes, namespace)) {
        throw new Refusal('PERMISSION_DENIED', `write of '${namespace}/${key}' denied: the manifest grants writes to [${task.writes.join(', ')}]`);
      }
      const value = bytesAt(valPtr, valLen);
      staged.set(`${namespace}\0${key}`, value);
      effects.writes.push({ namespace, key, value });
    },
    'emit-metric'(ptr, len, value) {
      if (effects.metrics.length < MAX_METRICS) effects.metrics.push({ name: stringAt(ptr, Math.min(len, 128)), value });
    },
    'now-ms'() {
      return BigInt(Date.now());
    },
  };
  const imports = {};
  for (const name of task.capabilities) if (name in host) (imports[HOST] ??= {})[name] = host[name];
  if (imported) imports.env = { memory: imported };

  try {
    instance = new WebAssembly.Instance(module, imports);
    const ex = instance.exports;
    if (ex.init && task.config) {
      ex.init(give(task.config), task.config.length);
    }
    const ret = ex.handle(give(task.input), task.input.length) >>> 0;
    const dv = view();
    const tag = dv.getUint8(ret);
    const ptr = dv.getUint32(ret + 4, true);
    const len = dv.getUint32(ret + 8, true);
    if (tag === 1) {
      return answerOf(effects, undefined, { code: 'DRIVER_ERROR', message: stringAt(ptr, Math.min(len, MAX_LOG_BYTES)) });
    }
    if (tag !== 0) return answerOf(effects, undefined, { code: 'TRAP', message: `handle returned a result with discriminant ${tag} (expected 0 or 1)` });
    if (len > task.maxOutputBytes) {
      return answerOf(effects, undefined, { code: 'OUTPUT_TOO_LARGE', message: `output of ${len} bytes is over the manifest's limit of ${task.maxOutputBytes} bytes` });
    }
    const output = bytesAt(ptr, len);
    if (ex.cabi_post_handle) ex.cabi_post_handle(ret);
    return answerOf(effects, output, undefined);
  } catch (e) {
    if (e instanceof Refusal) return answerOf(effects, undefined, { code: e.code, message: e.message });
    const message = e instanceof WebAssembly.RuntimeError ? e.message : `${e instanceof WebAssembly.LinkError ? 'link error' : e.name}: ${e.message}`;
    return answerOf(effects, undefined, { code: 'TRAP', message });
  } finally {
    task.started[1] = Date.now();
    if (imported) giveMemory(task.importedMemory, imported);
  }
}

/**
 * A call's answer, always of one shape. Object spreads ({ ...effects, output }) gave each
 * answer a fresh hidden class: kilobytes per call, much of it surviving minor collections,
 * which made this thread's pauses several ms long.
 */
function answerOf(effects, output, error) {
  return { writes: effects.writes, logs: effects.logs, metrics: effects.metrics, output, error };
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

// In the pool (pool.ts): one call per message, numbered by the pool, answered in order. A
// module comes with its driver's settings the first time; later calls carry its key,
// the input and the time limit. The worker keeps the MAX_MODULES most recently used (a call
// for one it dropped answers "missing", and the pool sends it again). The shared clock and
// marks and the context-read bridge are the worker's own, from its start. The answer's
// fresh buffers (output, written values) move to the main thread, not copied.
const MAX_MODULES = 64;
if (workerData?.pool) {
  const { clock, marks, flag, bridge, nice } = workerData;
  lowerPriority(nice); // DriverPool's `nice`: drivers yield the CPU to the kernel's threads
  const MARKS = marks.length - 1;
  const loaded = new Map(); // key (one per loaded driver) -> { module, settings }, least recently used first
  const onMessage = (m) => {
    clock[0] = clock[1] = 0;
    Atomics.store(marks, 0, m.seq); // taken: clock[0] and [1] are this call's times
    // Cancelled while it waited here (the pool marks it, then checks marks[0]).
    if (Atomics.load(marks, 1 + (m.seq % MARKS)) === m.seq) {
      parentPort.postMessage({ skipped: true });
      return;
    }
    const entry = m.module ? { module: m.module, settings: m.driver } : loaded.get(m.key);
    let answer = { missing: true };
    if (entry) {
      loaded.delete(m.key);
      loaded.set(m.key, entry);
      if (loaded.size > MAX_MODULES) loaded.delete(loaded.keys().next().value);
      const d = entry.settings;
      answer = run({
        driver: d.driver,
        config: d.config,
        maxOutputBytes: d.maxOutputBytes,
        capabilities: d.capabilities,
        reads: d.reads,
        writes: d.writes,
        importedMemory: d.importedMemory,
        module: entry.module,
        input: m.input,
        waitMs: m.waitMs,
        started: clock,
        port: bridge,
        flag,
        call: m.seq,
      });
    }
    const transfer = [];
    if (answer.output) transfer.push(answer.output.buffer);
    for (const w of answer.writes ?? []) transfer.push(w.value.buffer);
    parentPort.postMessage(answer, transfer);
  };
  parentPort.on('message', onMessage);
}

/**
 * context-read needs an answer now, inside a synchronous host call: post the question to
 * the main thread, sleep on a shared flag until it answers, then take the answer from the
 * port synchronously. The bridge lives as long as the worker, so an answer carries its
 * question's number: a late answer to an earlier question (one that timed out) is skipped.
 */
let asked = 0;
function ask(task, namespace, key) {
  if (!task.port || !task.flag) throw new Refusal('PERMISSION_DENIED', `context-read of '${namespace}/${key}' without a context bridge`);
  const seq = ++asked;
  const deadline = Date.now() + task.waitMs;
  Atomics.store(task.flag, 0, 0);
  task.port.postMessage({ namespace, key, seq, call: task.call });
  for (;;) {
    const msg = receiveMessageOnPort(task.port);
    if (msg) {
      if (msg.message.seq !== seq) continue;
      if (msg.message.error) throw new Refusal(msg.message.code ?? 'INTERNAL', msg.message.error);
      return msg.message.value === null ? null : new Uint8Array(msg.message.value);
    }
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(task.flag, 0, 0, left) === 'timed-out') {
      throw new Refusal('DEADLINE_EXCEEDED', `context-read of '${namespace}/${key}' got no answer within ${task.waitMs} ms`);
    }
    Atomics.store(task.flag, 0, 0);
  }
}
