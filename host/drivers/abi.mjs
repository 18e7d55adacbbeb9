// The driver ABI's facts, written once for the manifest check, the loader, the worker and
// the toolchain. Plain JavaScript: the worker threads import it without a TypeScript loader.

/** The WIT world a driver implements. */
export const WIT_WORLD = 'camos:driver/driver@0.1.0';
/** The module a driver's core module imports the host functions from. */
export const HOST_MODULE = 'camos:driver/host@0.1.0';
/** The host functions; a manifest's capabilities (capabilities.imports) are their names. */
export const CAPABILITIES = Object.freeze(['log', 'context-read', 'context-write', 'emit-metric', 'now-ms']);
/** The only memory the host provides to a module that imports one, created with the manifest's maximum. */
export const HOST_MEMORY = Object.freeze({ module: 'env', name: 'memory' });
/** What a component's core module must export (the canonical ABI's allocator and the world's entry). */
export const REQUIRED_EXPORTS = Object.freeze([
  ['cabi_realloc', 'func'],
  ['handle', 'func'],
]);

/** A size in WebAssembly pages (64 KiB), as a person reads it. */
export const pagesText = (pages) => (pages * 64 >= 1024 ? `${(pages * 64) / 1024} MiB` : `${pages * 64} KiB`);

/** A module's memories, imported first, each marked as such. */
export const memoriesOf = (info) => [
  ...info.imports.filter((i) => i.kind === 'memory').map((i) => ({ ...i.memory, imported: true })),
  ...info.memories.map((m) => ({ ...m, imported: false })),
];

/** The names of the host functions a module imports. */
export const hostImports = (info) => info.imports.filter((i) => i.module === HOST_MODULE && i.kind === 'func').map((i) => i.name);

/**
 * Every way a component's core module (as wasm.ts inspectCoreModule reads it) breaks the
 * camos:driver ABI or its manifest (granted host functions, maxPages of memory), as
 * sentences starting with `label`; and the memory the host creates when it imports one.
 */
export function checkComponentModule(info, granted, maxPages, label) {
  const reasons = [];
  const grantedText = granted.length ? granted.map((g) => `'${g}'`).join(', ') : 'nothing';
  for (const imp of info.imports) {
    if (imp.kind === 'memory') {
      if (imp.module !== HOST_MEMORY.module || imp.name !== HOST_MEMORY.name) reasons.push(`${label} imports memory '${imp.module}.${imp.name}'; only ${HOST_MEMORY.module}.${HOST_MEMORY.name} can be provided by the host`);
    } else if (imp.module !== HOST_MODULE || imp.kind !== 'func' || !CAPABILITIES.includes(imp.name)) {
      reasons.push(`${label} imports '${imp.module}.${imp.name}' (${imp.kind}), which is not a host function of ${WIT_WORLD} (${HOST_MODULE}: ${CAPABILITIES.join(', ')})`);
    } else if (!granted.includes(imp.name)) {
      reasons.push(`${label} imports '${imp.name}' but its manifest grants only ${grantedText}`);
    }
  }
  const memories = memoriesOf(info);
  if (memories.length === 0) reasons.push(`${label} has no memory; the canonical ABI needs one`);
  for (const m of memories) {
    if (m.maximumPages === undefined) {
      // An imported memory is created by the host with the manifest's maximum.
      if (!m.imported) reasons.push(`${label} declares its memory without a maximum; build it with --maximumMemory ${maxPages} (its manifest's limit) or less`);
    } else if (m.maximumPages > maxPages) {
      reasons.push(`${label} declares a memory maximum of ${m.maximumPages} pages (${pagesText(m.maximumPages)}) but its manifest allows ${maxPages} pages (${pagesText(maxPages)})`);
    }
    if (m.initialPages > maxPages) reasons.push(`${label} asks for ${m.initialPages} initial memory pages but its manifest allows ${maxPages}`);
  }
  const exports = new Map(info.exports.map((e) => [e.name, e.kind]));
  for (const [name, kind] of REQUIRED_EXPORTS) if (exports.get(name) !== kind) reasons.push(`${label} does not export ${kind} '${name}' (the camos:driver world needs ${REQUIRED_EXPORTS.map(([n]) => n).join(' and ')})`);
  const imported = memories.find((m) => m.imported);
  if (!imported && memories.length > 0 && exports.get('memory') !== 'memory') reasons.push(`${label} does not export its memory as 'memory'`);
  // The import's own maximum when it declares one (a memory with a larger one would not link).
  return { reasons, importedMemory: imported ? { initial: imported.initialPages, maximum: imported.maximumPages ?? maxPages } : undefined };
}

/** Whether a manifest's namespace patterns (exact, a prefix ending in '*' such as "team/*", or '*') grant a namespace. */
export function namespaceGranted(patterns, namespace) {
  return patterns.some((p) => p === '*' || p === namespace || (p.endsWith('*') && namespace.startsWith(p.slice(0, -1))));
}
