// Building drivers: AssemblyScript -> asc -> core module -> component (jco's programmatic
// componentEmbed + componentNew). Outputs go to the driver folder's build/ (the shipped
// drivers': this package's build/drivers/<name>/), cached by a hash of every input; files
// are written to a temporary name and renamed, so kernels building at the same time never
// see half a file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sha256Digest, ManifestTemplateSchema, type Manifest, type ManifestTemplate } from '../drivers/manifest.ts';
import { manifestText, signManifest } from './sign.ts';
import { hostImports, memoriesOf } from '../drivers/abi.mjs';
import { binaryKind, extractCoreModule, inspectCoreModule } from '../drivers/wasm.ts';
import type { HybridKeyPair } from '../crypto/hybrid.ts';
import { writeFileAtomic } from '../base/files.ts';
import { ROOT } from '../base/root.ts';

export { ROOT };
export const BUILD_DIR = join(ROOT, 'build');
export const SDK_DIR = join(ROOT, 'sdk', 'assembly');
export const WIT_PATH = join(ROOT, 'wit', 'camos-driver.wit');
export const ASCONFIG = join(ROOT, 'asconfig.json');
export const DRIVERS_DIR = join(ROOT, 'drivers-as');
export const MANIFESTS_DIR = join(ROOT, 'manifests');
/** The SDK's package name in driver sources: `import { log } from "camos-driver"`. */
export const SDK_PACKAGE = 'camos-driver';
/** Bumped when the generated entry or the build steps change, so caches are rebuilt. */
const BUILD_RECIPE = 'camos-driver-build/2';

const PACKAGES = join(ROOT, 'sdk', '.packages');
const ENTRY_NAME = '__camos_entry.ts';

export class DriverBuildError extends Error {}

export interface BuildOptions {
  /** Manifest template; default <dir>/manifest.json, or manifests/<name>.json for drivers-as/<name>. */
  manifest?: string;
  /** Where outputs go; default outDirFor(dir). */
  outDir?: string;
  target?: 'release' | 'debug';
  /** Rebuild even when the cache matches. */
  force?: boolean;
}

export interface BuildResult {
  name: string;
  version: string;
  template: ManifestTemplate;
  templatePath: string;
  corePath: string;
  componentPath: string;
  /** The unsigned manifest written beside the component (digest filled in). */
  manifestPath: string;
  core: Uint8Array;
  component: Uint8Array;
  /** sha256:<hex> of the component. */
  digest: string;
  /** Host functions the core module imports (capability names). */
  imports: string[];
  cached: boolean;
}

/** A shipped driver: drivers-as/<name> of this package. */
const isShipped = (dir: string) => resolve(dir, '..') === DRIVERS_DIR;

/** The manifest template of a driver folder. */
export function templatePathFor(dir: string, explicit?: string): string {
  if (explicit) return resolve(explicit);
  const own = join(dir, 'manifest.json');
  if (existsSync(own)) return own;
  // A shipped driver keeps its template in manifests/<name>.json.
  const shipped = join(MANIFESTS_DIR, `${basename(resolve(dir))}.json`);
  if (isShipped(dir) && existsSync(shipped)) return shipped;
  throw new DriverBuildError(`no manifest template for ${dir}: expected ${own}${isShipped(dir) ? ` or ${shipped}` : ''}`);
}

/** Where a driver folder's build goes: <dir>/build, or this package's build/drivers/<name> for a shipped driver. */
export function outDirFor(dir: string, name: string): string {
  return isShipped(dir) ? join(BUILD_DIR, 'drivers', name) : join(resolve(dir), 'build');
}

/** The files a build of a driver folder reads and writes. */
export function buildPaths(dir: string, opts: Pick<BuildOptions, 'manifest' | 'outDir'> = {}) {
  const templatePath = templatePathFor(dir, opts.manifest);
  const template = readTemplate(templatePath);
  const outDir = resolve(opts.outDir ?? outDirFor(dir, template.name));
  return {
    templatePath,
    template,
    outDir,
    corePath: join(outDir, `${template.name}.core.wasm`),
    componentPath: join(outDir, `${template.name}.component.wasm`),
    manifestPath: join(outDir, `${template.name}.manifest.json`),
    recordPath: join(outDir, 'build.json'),
  };
}

export function readTemplate(path: string): ManifestTemplate {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DriverBuildError(`manifest template ${path} is not readable JSON: ${(e as Error).message}`);
  }
  const parsed = ManifestTemplateSchema.safeParse(raw);
  if (!parsed.success) throw new DriverBuildError(`manifest template ${path}: ${parsed.error.issues.map((i) => `field '${i.path.join('.')}': ${i.message}`).join('; ')}`);
  return parsed.data;
}

function filesUnder(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p, ext));
    else if (entry.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const packageVersion = (pkg: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

/** Hash of everything a build depends on: sources, SDK, WIT, asconfig, tools, limits. */
function sourceHash(dir: string, template: ManifestTemplate, target: string): string {
  const h = createHash('sha256');
  h.update(`${BUILD_RECIPE}\0${target}\0${template.name}\0${template.limits.maxMemoryPages}\0`);
  h.update(`asc ${packageVersion('assemblyscript')}\0jco ${packageVersion('@bytecodealliance/jco')}\0`);
  for (const f of [...filesUnder(join(dir, 'assembly'), '.ts'), ...filesUnder(SDK_DIR, '.ts'), WIT_PATH, ASCONFIG]) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

/** The component's entry: exports the canonical-ABI wrappers around the author's functions. */
function entrySource(hasInit: boolean): string {
  return [
    'import * as driver from "./index";',
    `import { liftBytes, lowerResult } from "${SDK_PACKAGE}/abi";`,
    `export { cabi_realloc } from "${SDK_PACKAGE}/abi";`,
    'export function handle(ptr: usize, len: usize): usize { return lowerResult(driver.handle(liftBytes(ptr, len))); }',
    hasInit
      ? 'export function init(ptr: usize, len: usize): void { driver.init(liftBytes(ptr, len)); }'
      : 'export function init(ptr: usize, len: usize): void {}',
    // The stub runtime never frees, so there is nothing to release after handle.
    'export function cabi_post_handle(ret: usize): void {}',
    '',
  ].join('\n');
}

/** Runs asc on a driver folder (on a worker thread, asc-worker.mjs) and returns the core module. */
async function compile(dir: string, template: ManifestTemplate, target: string): Promise<Uint8Array> {
  const source = join(dir, 'assembly', 'index.ts');
  if (!existsSync(source)) throw new DriverBuildError(`${source} does not exist: a driver's source is assembly/index.ts`);
  const hasInit = /export\s+function\s+init\s*\(/.test(readFileSync(source, 'utf8'));
  const entry = join(dir, 'assembly', ENTRY_NAME);
  const args = [
    relative(dir, entry),
    '--config', ASCONFIG,
    '--target', target,
    '--baseDir', dir,
    '--outFile', 'out.wasm',
    '--path', PACKAGES,
    '--maximumMemory', String(template.limits.maxMemoryPages),
    // The host provides env.memory (capped at the limit) and reuses it, zeroed, across calls.
    '--importMemory',
    // A failed assertion or throw traps instead of importing env.abort.
    '--use', `abort=~lib/${SDK_PACKAGE}/abi/driverAbort`,
    '--noColors',
  ];
  const workerData = { args, entry, entrySource: entrySource(hasInit), packagePrefix: join(PACKAGES, SDK_PACKAGE) + sep, sdkDir: SDK_DIR };
  const result = await new Promise<{ binary?: Uint8Array; stderr: string; error?: string }>((resolvePromise, reject) => {
    // No inherited --import: the thread must not load a TypeScript loader (asc-worker.mjs).
    const worker = new Worker(new URL('./asc-worker.mjs', import.meta.url), { workerData, execArgv: [] });
    worker.once('message', resolvePromise);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`asc's thread exited with code ${code} before answering`)));
  });
  if (result.error || !result.binary) {
    throw new DriverBuildError(`asc failed to build ${template.name} from ${source}:\n${result.stderr.trim() || result.error}`);
  }
  return result.binary;
}

/** Wraps a core module into a component of the camos:driver world. */
export async function componentize(core: Uint8Array): Promise<Uint8Array> {
  const { componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  try {
    const embedded = await componentEmbed({ binary: core, witSource: readFileSync(WIT_PATH, 'utf8'), world: 'driver', stringEncoding: 'utf8' });
    return await componentNew(embedded);
  } catch (e) {
    throw new DriverBuildError(`the core module does not fit the camos:driver world: ${(e as Error).message ?? e}`);
  }
}

/** Builds a driver folder (assembly/index.ts + manifest template) into a core module and a component. */
export async function buildDriver(dir: string, opts: BuildOptions = {}): Promise<BuildResult> {
  dir = resolve(dir);
  const { templatePath, template, outDir, corePath, componentPath, manifestPath, recordPath } = buildPaths(dir, opts);
  const target = opts.target ?? 'release';
  const hash = sourceHash(dir, template, target);

  let core: Uint8Array | undefined;
  let component: Uint8Array | undefined;
  let cached = false;
  if (!opts.force && existsSync(recordPath) && existsSync(corePath) && existsSync(componentPath)) {
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    const onDisk = new Uint8Array(readFileSync(componentPath));
    if (record.hash === hash && record.digest === sha256Digest(onDisk)) {
      component = onDisk;
      core = new Uint8Array(readFileSync(corePath));
      cached = true;
    }
  }
  if (!core || !component) {
    core = await compile(dir, template, target);
    component = await componentize(core);
    mkdirSync(outDir, { recursive: true });
    writeFileAtomic(corePath, core, 0o644);
    writeFileAtomic(componentPath, component, 0o644);
    writeFileAtomic(recordPath, JSON.stringify({ hash, digest: sha256Digest(component), name: template.name, version: template.version, source: dir, builtAt: new Date().toISOString() }, null, 2) + '\n', 0o644);
  }
  const digest = sha256Digest(component);
  writeBuiltManifest(manifestPath, { ...template, digest, module: basename(componentPath) });
  return { name: template.name, version: template.version, template, templatePath, corePath, componentPath, manifestPath, core, component, digest, imports: hostImports(inspectCoreModule(core)), cached };
}

/** Writes the unsigned manifest unless a manifest for the same digest (maybe signed) is there. */
function writeBuiltManifest(path: string, manifest: Record<string, unknown>): void {
  if (existsSync(path)) {
    try {
      const existing = JSON.parse(readFileSync(path, 'utf8'));
      if (JSON.stringify({ ...existing, publisher: undefined, signature: undefined }) === JSON.stringify({ ...manifest, publisher: undefined, signature: undefined })) return;
    } catch {
      // unreadable: replaced below
    }
  }
  writeFileAtomic(path, manifestText(manifest), 0o644);
}

export interface ComponentInspection {
  kind: 'module' | 'component';
  /** The component's WIT ('' for a bare core module). */
  wit: string;
  digest: string;
  size: number;
  imports: { module: string; name: string; kind: string }[];
  exports: { name: string; kind: string }[];
  memory: { initialPages: number; maximumPages?: number; imported: boolean }[];
}

/** What `camos driver inspect` prints: WIT, digest, size, and the core module's imports and memory. */
export async function inspectComponent(fileOrBytes: string | Uint8Array): Promise<ComponentInspection> {
  const bytes = typeof fileOrBytes === 'string' ? new Uint8Array(readFileSync(fileOrBytes)) : fileOrBytes;
  const kind = binaryKind(bytes);
  let wit = '';
  if (kind === 'component') {
    const { componentWit } = await import('@bytecodealliance/jco');
    wit = await componentWit(bytes);
  }
  const info = inspectCoreModule(extractCoreModule(bytes));
  return {
    kind,
    wit,
    digest: sha256Digest(bytes),
    size: bytes.length,
    imports: info.imports.map(({ module, name, kind }) => ({ module, name, kind })),
    exports: info.exports,
    memory: memoriesOf(info),
  };
}

export interface SignedDriver {
  build: BuildResult;
  manifest: Manifest;
  /** The signed manifest's file text. */
  manifestText: string;
  /** Where the signed manifest and the component were copied, when outDir was given. */
  manifestPath?: string;
  componentPath?: string;
}

/** The folders of the shipped drivers: drivers-as/<name>/ with assembly/index.ts. */
export function shippedDriverDirs(root = DRIVERS_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => join(root, n))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'assembly', 'index.ts')))
    .sort();
}

/**
 * Builds every shipped driver and signs its manifest with `key`. With outDir, writes
 * <name>.manifest.json (signed) and <name>.component.wasm there, ready to load.
 */
export async function buildAndSignAll(opts: { key: HybridKeyPair; outDir?: string; dirs?: string[]; target?: 'release' | 'debug' }): Promise<SignedDriver[]> {
  const out: SignedDriver[] = [];
  for (const dir of opts.dirs ?? shippedDriverDirs()) {
    const build = await buildDriver(dir, { target: opts.target });
    const moduleName = `${build.name}.component.wasm`;
    const manifest = signManifest({ ...build.template, digest: build.digest, module: moduleName }, opts.key) as Manifest;
    const text = manifestText(manifest);
    const signed: SignedDriver = { build, manifest, manifestText: text };
    if (opts.outDir) {
      mkdirSync(opts.outDir, { recursive: true });
      signed.componentPath = join(opts.outDir, moduleName);
      signed.manifestPath = join(opts.outDir, `${build.name}.manifest.json`);
      // Component first: a watcher that sees the manifest finds its module already there.
      writeFileAtomic(signed.componentPath, build.component, 0o644);
      writeFileAtomic(signed.manifestPath, text, 0o644);
    }
    out.push(signed);
  }
  return out;
}
