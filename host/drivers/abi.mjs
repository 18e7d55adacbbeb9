// The driver ABI's facts, written once for the manifest check, the module check, the worker
// and the toolchain. Plain JavaScript: the worker threads import it without a TypeScript loader.

/** The WIT world a driver implements. */
export const WIT_WORLD = 'camos:driver/driver@0.1.0';
/** The module a driver's core module imports the host functions from. */
export const HOST_MODULE = 'camos:driver/host@0.1.0';
/** The host functions; a manifest's capabilities (capabilities.imports) are their names. */
export const CAPABILITIES = Object.freeze(['log', 'context-read', 'context-write', 'emit-metric', 'now-ms']);

/** Whether a manifest's namespace patterns (exact, a prefix ending in '*' such as "team/*", or '*') grant a namespace. */
export function namespaceGranted(patterns, namespace) {
  return patterns.some((p) => p === '*' || p === namespace || (p.endsWith('*') && namespace.startsWith(p.slice(0, -1))));
}
