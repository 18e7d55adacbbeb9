// What the runtime checks in a driver's core module before it compiles it: its imports
// (only granted host functions) and its memory (declared, with a maximum within the limit).
import { failedPrecondition } from '../base/errors.ts';
import { CAPABILITIES, HOST_MODULE } from './abi.mjs';
import { inspectCoreModule } from './wasm.ts';

/**
 * Refuses a module the sandbox could not hold (memory without a maximum or above the
 * manifest's limit, an import outside the host interface or not granted, missing exports)
 * and returns the memory to create for a module that imports env.memory.
 */
export function checkModule(driver: string, bytes: Uint8Array, module: WebAssembly.Module, granted: readonly string[], maxPages: number): { initial: number; maximum: number } | undefined {
  const { memories, imports } = inspectCoreModule(bytes);
  const importedMemory = imports.find((i) => i.kind === 'memory');
  if (importedMemory && (importedMemory.module !== 'env' || importedMemory.name !== 'memory')) {
    throw failedPrecondition(`driver '${driver}' imports memory '${importedMemory.module}.${importedMemory.name}'; only env.memory can be provided by the host`);
  }
  if (!importedMemory && memories.length === 0) throw failedPrecondition(`driver '${driver}' has no memory; the canonical ABI needs one`);
  for (const m of [...memories, ...(importedMemory ? [importedMemory.memory!] : [])]) {
    if (m.initialPages > maxPages) throw failedPrecondition(`driver '${driver}' asks for ${m.initialPages} initial memory pages but its manifest allows ${maxPages}`);
    // An imported memory is created by the host with the manifest's maximum.
    if (m.maximumPages === undefined && m !== importedMemory?.memory) {
      throw failedPrecondition(`driver '${driver}' declares memory without a maximum; build it with --maximumMemory ${maxPages} (the manifest's limit)`);
    }
    if (m.maximumPages !== undefined && m.maximumPages > maxPages) {
      throw failedPrecondition(`driver '${driver}' declares a memory maximum of ${m.maximumPages} pages (${m.maximumPages * 64} KiB), over its manifest's limit of ${maxPages} pages`, {
        declaredPages: m.maximumPages,
        limitPages: maxPages,
      });
    }
  }
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === 'memory') continue;
    if (imp.module !== HOST_MODULE || !(CAPABILITIES as readonly string[]).includes(imp.name)) {
      throw failedPrecondition(`driver '${driver}' imports '${imp.module}#${imp.name}', which is not part of the camos:driver host interface (${HOST_MODULE}: ${CAPABILITIES.join(', ')})`);
    }
    if (!granted.includes(imp.name)) {
      throw failedPrecondition(`driver '${driver}' imports '${imp.name}' but its manifest grants only ${granted.length ? granted.map((g) => `'${g}'`).join(', ') : 'nothing'}`, { import: imp.name });
    }
  }
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  for (const [name, kind] of [['cabi_realloc', 'function'], ['handle', 'function']] as const) {
    if (exports.get(name) !== kind) throw failedPrecondition(`driver '${driver}' does not export ${kind} '${name}' (the camos:driver world needs cabi_realloc and handle)`);
  }
  if (!importedMemory && exports.get('memory') !== 'memory') throw failedPrecondition(`driver '${driver}' does not export its memory as 'memory'`);
  // The import's own maximum when it declares one (a memory with a larger one would not link).
  return importedMemory ? { initial: importedMemory.memory!.initialPages, maximum: importedMemory.memory!.maximumPages ?? maxPages } : undefined;
}
