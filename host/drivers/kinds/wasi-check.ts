// What a wasi-command driver must be before it is run: a core module that is a WASI
// preview 1 command (exports `_start` and its memory, imports only WASI's functions),
// whose memory has a maximum within its manifest's limit, and whose manifest asks for
// nothing only components have (a world, camos host functions, context namespaces, config).
import { pagesText } from '../abi.mjs';
import { binaryKind, type CoreModuleInfo } from '../wasm.ts';

/** What this check reads of a manifest (manifest.ts calls it, so it names the fields rather than importing the type). */
interface ManifestFields {
  world?: unknown;
  config?: unknown;
  capabilities: { imports: readonly string[]; context: { read: readonly string[]; write: readonly string[] } };
  limits: { maxMemoryPages?: number };
}

/** The only module a WASI command may import from: no camos host functions, no other world. */
export const WASI_MODULE = 'wasi_snapshot_preview1';
/** Capabilities a WASI command can use: its stderr lines are its log lines. */
export const WASI_CAPABILITIES: readonly string[] = ['log'];

export function checkWasiCommand(module: Uint8Array, info: CoreModuleInfo, manifest: ManifestFields, label: string): string[] {
  const reasons: string[] = [];
  if (binaryKind(module) !== 'module') reasons.push(`${label} is a component, but a wasi-command driver is a core module with '_start' (build it with --target=wasm32-wasi)`);
  if (manifest.world !== undefined) reasons.push(`${label}: a wasi-command driver has no world (remove 'world' from its manifest)`);
  if (manifest.config !== undefined) reasons.push(`${label}: a wasi-command driver takes no 'config' (use 'args' or 'env')`);
  const { imports, context } = manifest.capabilities;
  for (const c of imports) if (!WASI_CAPABILITIES.includes(c)) reasons.push(`${label}: a wasi-command driver cannot use '${c}' (it may be granted only ${WASI_CAPABILITIES.map((x) => `'${x}'`).join(', ')})`);
  if (context.read.length || context.write.length) reasons.push(`${label}: a wasi-command driver has no context access (remove capabilities.context)`);
  for (const imp of info.imports) {
    if (imp.module !== WASI_MODULE || imp.kind !== 'func') reasons.push(`${label} imports '${imp.module}.${imp.name}' (${imp.kind}); a wasi-command driver may import only functions of '${WASI_MODULE}'`);
  }
  if (!info.exports.some((e) => e.name === '_start' && e.kind === 'func')) reasons.push(`${label} does not export '_start': it is not a WASI command (a reactor or a library cannot be run)`);
  const limit = manifest.limits.maxMemoryPages ?? 0;
  if (info.memories.length !== 1) reasons.push(`${label} defines ${info.memories.length} memories; a WASI command defines exactly one`);
  for (const m of info.memories) {
    if (m.maximumPages === undefined) reasons.push(`${label} declares its memory without a maximum; link it with -Wl,--max-memory=${limit * 65536} (${pagesText(limit)}, its manifest's limit) or less`);
    else if (m.maximumPages > limit) reasons.push(`${label} declares a memory maximum of ${m.maximumPages} pages (${pagesText(m.maximumPages)}) but its manifest allows ${limit} pages (${pagesText(limit)})`);
  }
  return reasons;
}
