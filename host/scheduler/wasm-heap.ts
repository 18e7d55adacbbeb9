// The WebAssembly heap: assembly/heap.ts built with the root asconfig.json into
// build/scheduler/heap.wasm on first use (rebuilt when the source hash changes), compiled
// once per process and instantiated once per queue.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PriorityHeap } from './heap.ts';
import { writeFileAtomic } from '../base/files.ts';
import { fromRoot } from '../base/root.ts';

const SOURCE = fileURLToPath(new URL('./assembly/heap.ts', import.meta.url));
const ASCONFIG = fromRoot('asconfig.json');
export const HEAP_WASM = fromRoot('build', 'scheduler', 'heap.wasm');

interface HeapExports {
  memory: WebAssembly.Memory;
  init(capacity: number, rate: number): void;
  reserve(capacity: number): void;
  setNow(t: number): void;
  age(dt: number): void;
  size(): number;
  push(slot: number, base: number, deadline: number): void;
  peek(): number;
  pop(): number;
  remove(slot: number): number;
  update(slot: number, base: number): number;
  priority(slot: number): number;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled heap module, built from source if build/ has no current copy. */
export function heapModule(): Promise<WebAssembly.Module> {
  compiled ??= buildHeap().then((bytes) => WebAssembly.compile(bytes as BufferSource));
  compiled.catch(() => (compiled = undefined));
  return compiled;
}

async function buildHeap(): Promise<Uint8Array> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(readFileSync(ASCONFIG)).digest('hex');
  const hashFile = `${HEAP_WASM}.sha256`;
  if (existsSync(HEAP_WASM) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) return readFileSync(HEAP_WASM);
  const { default: asc } = await import('assemblyscript/asc');
  let wasm: Uint8Array | undefined;
  const errors: string[] = [];
  const { error } = await asc.main([SOURCE, '--config', ASCONFIG, '--target', 'release', '--outFile', 'heap.wasm'], {
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) wasm = typeof contents === 'string' ? Buffer.from(contents) : contents;
    },
    stdout: { write: () => true } as never,
    stderr: { write: (s: string | Uint8Array) => (errors.push(String(s)), true) } as never,
  });
  if (error || !wasm) throw new Error(`building the scheduler heap (${SOURCE}) failed: ${error?.message ?? 'no output'} ${errors.join('')}`.trim());
  // Several kernels may build at once: write aside, then rename into place.
  mkdirSync(dirname(HEAP_WASM), { recursive: true });
  writeFileAtomic(HEAP_WASM, wasm, 0o644);
  writeFileAtomic(hashFile, hash, 0o644);
  return wasm;
}

/** A heap living in its own WebAssembly instance's linear memory. */
export class WasmHeap implements PriorityHeap {
  private readonly x: HeapExports;

  constructor(module: WebAssembly.Module, initialCapacity: number, rate: number) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as HeapExports;
    this.x.init(initialCapacity, rate);
  }

  reserve(capacity: number): void {
    this.x.reserve(capacity);
  }
  setNow(t: number): void {
    this.x.setNow(t);
  }
  age(dt: number): void {
    this.x.age(dt);
  }
  size(): number {
    return this.x.size();
  }
  push(slot: number, base: number, deadline: number): void {
    this.x.push(slot, base, deadline);
  }
  peek(): number {
    return this.x.peek();
  }
  pop(): number {
    return this.x.pop();
  }
  remove(slot: number): boolean {
    return this.x.remove(slot) !== 0;
  }
  update(slot: number, base: number): boolean {
    return this.x.update(slot, base) !== 0;
  }
  priority(slot: number): number {
    return this.x.priority(slot);
  }
}
