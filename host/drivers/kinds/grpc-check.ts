// What a grpc driver's manifest must be before its process is started or reached: a command
// or an address (one of them), none of the WebAssembly kinds' fields, and capabilities a
// process can use through the kernel: its stderr as log lines, context reads and writes in
// the namespaces it names (through the token the kernel issues it).

/** What this check reads of a manifest (manifest.ts calls it, so it names the fields rather than importing the type). */
type ManifestFields = Partial<Record<'command' | 'address' | 'world' | 'module' | 'config' | 'args' | 'env' | 'callEnv' | 'fs', unknown>> & {
  capabilities: { imports: readonly string[]; context: { read: readonly string[]; write: readonly string[] } };
  limits: { maxMemoryPages?: number };
};

/** Capabilities a grpc driver can use. */
export const GRPC_CAPABILITIES: readonly string[] = ['log', 'context-read', 'context-write'];

export function checkGrpcDriver(manifest: ManifestFields, label: string): string[] {
  const reasons: string[] = [];
  if ((manifest.command === undefined) === (manifest.address === undefined)) {
    reasons.push(`${label}: a grpc driver names either 'command' (a program the kernel starts) or 'address' (a process already running), ${manifest.command ? 'not both' : 'and this manifest names neither'}`);
  }
  for (const field of ['world', 'module', 'config', 'args', 'env', 'callEnv', 'fs'] as const) {
    if (manifest[field] !== undefined) reasons.push(`${label}: '${field}' is not a field of grpc drivers${field === 'args' || field === 'env' ? ` (a grpc driver's arguments and environment are 'command.${field}')` : ''}`);
  }
  if (manifest.limits.maxMemoryPages !== undefined) reasons.push(`${label}: 'limits.maxMemoryPages' is a WebAssembly limit; the kernel does not bound a grpc driver's process memory (use the system's: ulimit, cgroups)`);
  const { imports, context } = manifest.capabilities;
  for (const c of imports) if (!GRPC_CAPABILITIES.includes(c)) reasons.push(`${label}: a grpc driver cannot use '${c}' (it may be granted ${GRPC_CAPABILITIES.map((x) => `'${x}'`).join(', ')})`);
  if (context.read.length && !imports.includes('context-read')) reasons.push(`${label}: names namespaces to read (capabilities.context.read) but is not granted 'context-read'`);
  if (context.write.length && !imports.includes('context-write')) reasons.push(`${label}: names namespaces to write (capabilities.context.write) but is not granted 'context-write'`);
  return reasons;
}
