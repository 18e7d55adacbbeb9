// Loading a driver: read its manifest and component, verify them (manifest.ts), then hand
// the verified core module to the runtime. A refusal loads nothing and lists every reason.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Code, SyscallError, failedPrecondition, invalidArgument, notFound } from '../syscalls/errors.ts';
import { modulePathOf, verifyManifest, type ManifestVerdict } from './manifest.ts';
import { extractCoreModule } from './wasm.ts';
import type { DriverInfo, DriverRuntime } from './runtime.ts';
import type { TrustStore } from './trust.ts';

export type LoadSource =
  | { manifestPath: string }
  | { manifest: Uint8Array | string | Record<string, unknown>; module: Uint8Array };

export interface LoadOutcome {
  driver: DriverInfo;
  verdict: ManifestVerdict;
}

export interface LoadOptions {
  /** Where the load came from (a manifest path, 'example'), kept with the driver. */
  origin?: string;
  /** Record driver.refused in the audit log (a refusal that is no syscall's own error). Every load is recorded as driver.loaded. */
  audit?: boolean;
}

function readSource(source: LoadSource): { manifest: Uint8Array | string | Record<string, unknown>; module: Uint8Array; origin?: string } {
  if (!('manifestPath' in source)) return source;
  const path = resolve(source.manifestPath);
  if (!existsSync(path)) throw notFound(`manifest ${path} does not exist (the path is read on the kernel's machine)`);
  const text = readFileSync(path, 'utf8');
  let parsed: { name?: unknown; module?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalidArgument(`manifest ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed?.name !== 'string') throw invalidArgument(`manifest ${path} has no 'name'`);
  const modulePath = modulePathOf(path, { name: parsed.name, module: typeof parsed.module === 'string' ? parsed.module : undefined });
  if (!existsSync(modulePath)) throw notFound(`the component of manifest ${path} is missing: ${modulePath}`);
  return { manifest: text, module: new Uint8Array(readFileSync(modulePath)), origin: path };
}

/** Verifies and installs a driver; throws FAILED_PRECONDITION with every reason when refused. */
export async function loadDriver(runtime: DriverRuntime, trust: TrustStore, source: LoadSource, opts: LoadOptions = {}): Promise<LoadOutcome> {
  let label = 'manifestPath' in source ? source.manifestPath : 'the driver';
  let verdict: ManifestVerdict | undefined;
  try {
    const { manifest, module, origin } = readSource(source);
    // Compiling (on V8's background threads) starts before the signatures are checked; its
    // result is used only if they verify. Compiling runs none of the driver's code, and it
    // copies the bytes now, before anything else can see them.
    const compiled = compileEarly(module);
    verdict = verifyManifest({ manifest, module, trust });
    const m = verdict.manifest;
    label = m ? `${m.name}@${m.version}` : (refOf(manifest) ?? label);
    if (!verdict.valid || !m || !verdict.core) {
      throw failedPrecondition(`driver '${label}' refused: ${verdict.reasons.join('; ')}`, { driver: label, digest: verdict.digest, verdict: 'refused', reasons: verdict.reasons });
    }
    const previous = runtime.list().filter((d) => d.name === m.name && d.version !== m.version).map((d) => d.version).pop();
    const driver = await runtime.install({
      name: m.name,
      version: m.version,
      digest: verdict.digest,
      publisher: m.publisher,
      description: m.description,
      capabilities: [...m.capabilities.imports],
      reads: [...m.capabilities.context.read],
      writes: [...m.capabilities.context.write],
      limits: { memoryPages: m.limits.maxMemoryPages, timeoutMs: m.limits.timeoutMs, maxOutputBytes: m.limits.maxOutputBytes },
      core: verdict.core,
      compiled,
      size: module.length,
      origin: opts.origin ?? origin,
    });
    runtime.event('driver.loaded', label, Code.OK, undefined, { version: m.version, ...(previous ? { previous } : {}), digest: verdict.digest, publisher: m.publisher, origin: opts.origin ?? origin });
    return { driver, verdict };
  } catch (e) {
    const err = e instanceof SyscallError ? e : invalidArgument(`driver '${label}' could not be read: ${(e as Error).message}`);
    if (opts.audit) runtime.event('driver.refused', label, err.code, err.message, { reasons: verdict?.reasons ?? [err.message], digest: verdict?.digest, origin: opts.origin });
    throw err;
  }
}

/** The core module's compilation, started now; undefined (compiled later, from the verified core) if it cannot be read yet. */
function compileEarly(module: Uint8Array): Promise<WebAssembly.Module> | undefined {
  let core: Uint8Array;
  try {
    core = extractCoreModule(module);
  } catch {
    return undefined;
  }
  const compiled = WebAssembly.compile(core as BufferSource);
  compiled.catch(() => {}); // a refused or invalid module: install() reports the error, or nobody asks
  return compiled;
}

/** name@version of a manifest that did not pass the schema, when it says so. */
function refOf(manifest: Uint8Array | string | Record<string, unknown>): string | undefined {
  try {
    const m = manifest instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(manifest)) : typeof manifest === 'string' ? JSON.parse(manifest) : manifest;
    return typeof m?.name === 'string' ? `${m.name}@${m.version ?? '?'}` : undefined;
  } catch {
    return undefined;
  }
}
