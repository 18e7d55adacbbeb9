// Reading WebAssembly binaries without compiling them: the sections of a core module
// (imports, memories, exports) and the core modules embedded in a component.

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

export type BinaryKind = 'module' | 'component';

export interface WasmImport {
  module: string;
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global' | 'tag';
  /** Limits, for an imported memory. */
  memory?: MemoryLimits;
}

export interface MemoryLimits {
  initialPages: number;
  /** undefined when the memory declares no maximum. */
  maximumPages?: number;
}

export interface CoreModuleInfo {
  imports: WasmImport[];
  exports: { name: string; kind: string }[];
  /** Memories defined in the module (not imported). */
  memories: MemoryLimits[];
}

export class WasmFormatError extends Error {}

/** 'module' for a core module, 'component' for a component; throws on anything else. */
export function binaryKind(bytes: Uint8Array): BinaryKind {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new WasmFormatError('not a WebAssembly binary (bad magic number)');
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 0 && version === 1) return 'module';
  if (layer === 1) return 'component';
  throw new WasmFormatError(`unsupported WebAssembly version ${version} layer ${layer}`);
}

class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError(`unexpected end of binary at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new WasmFormatError(`LEB128 integer too long at byte ${this.pos}`);
  }
  u64(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new WasmFormatError(`LEB128 integer too long at byte ${this.pos}`);
  }
  name(): string {
    const len = this.u32();
    if (this.pos + len > this.end) throw new WasmFormatError(`name runs past the end of its section at byte ${this.pos}`);
    const s = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  limits(): MemoryLimits {
    const flags = this.byte();
    const is64 = (flags & 0x04) !== 0;
    const initialPages = is64 ? this.u64() : this.u32();
    const maximumPages = flags & 0x01 ? (is64 ? this.u64() : this.u32()) : undefined;
    return { initialPages, maximumPages };
  }
}

interface Section {
  id: number;
  start: number;
  end: number;
}

function sections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    if (start + size > bytes.length) throw new WasmFormatError(`section ${id} at byte ${start} runs past the end of the binary`);
    out.push({ id, start, end: start + size });
    r.pos = start + size;
  }
  return out;
}

const EXTERNAL_KINDS = ['func', 'table', 'memory', 'global', 'tag'] as const;

/** Imports, exports and memories of a core module, read from its sections. */
export function inspectCoreModule(bytes: Uint8Array): CoreModuleInfo {
  if (binaryKind(bytes) !== 'module') throw new WasmFormatError('expected a core module, found a component');
  const info: CoreModuleInfo = { imports: [], exports: [], memories: [] };
  for (const s of sections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    if (s.id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kindByte = r.byte();
        const kind = EXTERNAL_KINDS[kindByte];
        if (!kind) throw new WasmFormatError(`unknown import kind ${kindByte} for ${module}.${name}`);
        const imp: WasmImport = { module, name, kind };
        if (kind === 'func') r.u32();
        else if (kind === 'table') {
          r.byte();
          r.limits();
        } else if (kind === 'memory') imp.memory = r.limits();
        else if (kind === 'global') {
          r.byte();
          r.byte();
        } else {
          r.byte();
          r.u32();
        }
        info.imports.push(imp);
      }
    } else if (s.id === 5) {
      for (let n = r.u32(); n > 0; n--) info.memories.push(r.limits());
    } else if (s.id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = EXTERNAL_KINDS[r.byte()] ?? 'unknown';
        r.u32();
        info.exports.push({ name, kind });
      }
    }
  }
  return info;
}

/** The core modules a component embeds (section id 1), in binary order. */
export function coreModulesOf(component: Uint8Array): Uint8Array[] {
  if (binaryKind(component) !== 'component') throw new WasmFormatError('expected a component, found a core module');
  return sections(component)
    .filter((s) => s.id === 1)
    .map((s) => component.subarray(s.start, s.end));
}

/**
 * The driver's own core module inside a component: the one that exports `handle`
 * (wit-component may add small shim modules beside it). A core module is returned as is.
 */
export function extractCoreModule(bytes: Uint8Array): Uint8Array {
  if (binaryKind(bytes) === 'module') return bytes;
  const modules = coreModulesOf(bytes);
  const main = modules.find((m) => inspectCoreModule(m).exports.some((e) => e.name === 'handle' && e.kind === 'func'));
  if (!main) throw new WasmFormatError(`component embeds ${modules.length} core module(s) but none exports 'handle'`);
  return main;
}
