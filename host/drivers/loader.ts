// Loading a driver: read its manifest and component, verify them (manifest.ts), then hand
// the verified core module to the runtime. A refusal loads nothing and lists every reason.
// A manifest named by path is read from the drivers directory only, and no error quotes
// what a file holds: a caller must not learn the contents of files it names.
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { SyscallError, failedPrecondition, invalidArgument, notFound, permissionDenied, type Code } from '../base/errors.ts';
import { configBytes, modulePathOf, verifyManifest, type ManifestVerdict } from './manifest.ts';
import { extractCoreModule } from './wasm.ts';
import type { DriverInfo, VerifiedDriver } from './types.ts';
import type { TrustStore } from './trust.ts';

export type LoadSource =
  /** A manifest file in the runtime's drivers directory (a relative path is taken from there), its component beside it. */
  | { manifestPath: string }
  | { manifest: Uint8Array | string | Record<string, unknown>; module: Uint8Array };

export interface LoadOutcome {
  driver: DriverInfo;
  verdict: ManifestVerdict;
  /** The signed manifest and the component as they were verified (what a federation publishes). */
  manifest: string;
  module: Uint8Array;
}

export interface LoadOptions {
  /** Where the load came from (a manifest path, 'example'), kept with the driver. */
  origin?: string;
  /** Record driver.refused in the audit log (a refusal that is no syscall's own error). Every load is recorded as driver.loaded. */
  audit?: boolean;
  /** Tell the runtime's sharers (a federated kernel publishes the driver to its peers). */
  share?: boolean;
}

function readSource(source: LoadSource, root: string): { manifest: Uint8Array | string | Record<string, unknown>; module: Uint8Array; origin?: string; program?: string } {
  if (!('manifestPath' in source)) return source;
  const path = confined(root, source.manifestPath, 'manifest');
  const text = readRegularFile(path).toString('utf8');
  let parsed: { name?: unknown; module?: unknown; command?: { path?: unknown }; address?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidArgument(`manifest ${path} is not valid JSON`);
  }
  if (typeof parsed?.name !== 'string') throw invalidArgument(`manifest ${path} has no 'name'`);
  // A grpc driver at an address has no artifact the kernel can read: its digest is of no bytes.
  if (typeof parsed.address === 'string' && parsed.command === undefined) return { manifest: text, module: new Uint8Array(0), origin: path };
  const modulePath = confined(root, modulePathOf(path, { name: parsed.name, module: typeof parsed.module === 'string' ? parsed.module : undefined, command: parsed.command }), `${parsed.command ? 'program' : 'component'} of manifest ${path}`);
  // A grpc driver runs the very file read here (confined to the drivers directory).
  return { manifest: text, module: new Uint8Array(readRegularFile(modulePath)), origin: path, program: modulePath };
}

/** The real path of a file inside root (relative paths start there); refuses any other, symbolic links included. */
function confined(root: string, path: string, what: string): string {
  const lexicalRoot = resolve(root);
  let realRoot = lexicalRoot;
  try {
    realRoot = realpathSync(lexicalRoot);
  } catch {
    // no drivers directory yet: nothing can be inside it, and the checks below say so
  }
  const outside = `${what} ${path} is outside the drivers directory ${lexicalRoot}: a path names a file there (send the manifest's and the component's bytes to load from elsewhere)`;
  const wanted = resolve(lexicalRoot, path);
  // Refused before the file system is asked, so a refusal tells nothing about the file.
  if (!within(lexicalRoot, wanted) && !within(realRoot, wanted)) throw permissionDenied(outside);
  let real: string;
  try {
    real = realpathSync(wanted);
  } catch {
    throw notFound(`${what} ${wanted} does not exist in the drivers directory (paths are read on the kernel's machine)`);
  }
  if (!within(realRoot, real)) throw permissionDenied(`${outside}; it is a symbolic link, or inside one, that leads out`);
  return real;
}

const within = (root: string, path: string) => path.startsWith(root.endsWith(sep) ? root : root + sep);

/** A regular file's bytes; a FIFO or device is refused without being read (or waited on). */
function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFile()) throw invalidArgument(`${path} is not a regular file`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Verifies and installs a driver; throws FAILED_PRECONDITION with every reason when refused. */
/** What the loader needs of the runtime it loads into. */
export interface DriverInstaller {
  readonly driversDir: string;
  list(): DriverInfo[];
  install(v: VerifiedDriver): Promise<DriverInfo>;
  event(syscall: string, d: string, code: Code, message: string | undefined, evidence: Record<string, unknown>): void;
}

export async function loadDriver(runtime: DriverInstaller, trust: TrustStore, source: LoadSource, opts: LoadOptions = {}): Promise<LoadOutcome> {
  let label = 'manifestPath' in source ? source.manifestPath : 'the driver';
  let verdict: ManifestVerdict | undefined;
  try {
    const { manifest, module, origin, program } = readSource(source, runtime.driversDir);
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
      kind: m.kind,
      name: m.name,
      version: m.version,
      digest: verdict.digest,
      publisher: m.publisher,
      description: m.description,
      capabilities: [...m.capabilities.imports],
      reads: [...m.capabilities.context.read],
      writes: [...m.capabilities.context.write],
      limits: { memoryPages: m.limits.maxMemoryPages ?? 0, timeoutMs: m.limits.timeoutMs, maxOutputBytes: m.limits.maxOutputBytes, maxMessageBytes: m.limits.maxMessageBytes, maxConcurrentCalls: m.limits.maxConcurrentCalls },
      config: configBytes(m.config),
      args: m.args,
      env: m.env,
      callEnv: m.callEnv,
      fs: m.fs,
      // The file read by path (below the manifest's folder), or for a manifest sent as bytes its path from the drivers directory.
      command: m.command && { ...m.command, path: program ?? resolve(runtime.driversDir, m.command.path) },
      address: m.address,
      core: verdict.core,
      compiled,
      size: module.length,
      origin: opts.origin ?? origin,
    });
    runtime.event('driver.loaded', label, 'ok', undefined, { version: m.version, ...(previous ? { previous } : {}), digest: verdict.digest, publisher: m.publisher, origin: opts.origin ?? origin });
    return { driver, verdict, manifest: textOf(manifest), module };
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

const textOf = (m: Uint8Array | string | Record<string, unknown>) => (m instanceof Uint8Array ? new TextDecoder().decode(m) : typeof m === 'string' ? m : JSON.stringify(m));

/** name@version of a manifest that did not pass the schema, when it says so. */
function refOf(manifest: Uint8Array | string | Record<string, unknown>): string | undefined {
  try {
    const m = manifest instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(manifest)) : typeof manifest === 'string' ? JSON.parse(manifest) : manifest;
    return typeof m?.name === 'string' ? `${m.name}@${m.version ?? '?'}` : undefined;
  } catch {
    return undefined;
  }
}
