// Builds a wasi-command driver: in C, every src/*.c compiled by Debian's clang for
// wasm32-wasi against wasi-libc; in AssemblyScript, assembly/index.ts by asc with
// @assemblyscript/wasi-shim. Either way the manifest's memory limit is the module's
// maximum (the check at load refuses a module without one). Where the C toolchain is
// missing, the error names the Debian packages to install.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { sha256Digest, type ManifestTemplate } from '../drivers/manifest.ts';
import { manifestText } from './sign.ts';
import { BUILD_DIR, DriverBuildError, ROOT, readTemplate } from './build.ts';

/** Shipped wasi-command examples: drivers-wasi/<name>/ with manifest.json and src/*.c or assembly/index.ts. */
export const WASI_DRIVERS_DIR = join(ROOT, 'drivers-wasi');
/** What `.ci/run` installs, and what a missing toolchain's message asks for. */
export const WASI_C_PACKAGES = 'clang lld wasi-libc libclang-rt-dev-wasm32';
const CC = process.env.CAMOS_WASI_CC ?? 'clang';

export interface WasiBuildResult {
  name: string;
  version: string;
  template: ManifestTemplate;
  modulePath: string;
  /** The unsigned manifest written beside the module (digest filled in). */
  manifestPath: string;
  module: Uint8Array;
  digest: string;
  cached: boolean;
}

let toolchain: string | undefined | null = null;

/** Why C cannot be compiled to WASI here (a sentence naming the packages), or undefined when it can. */
export function wasiToolchainMissing(): string | undefined {
  if (toolchain !== null) return toolchain;
  const dir = mkdtempSync(join(tmpdir(), 'camos-wasi-cc-'));
  try {
    writeFileSync(join(dir, 'probe.c'), 'int main(void) { return 0; }\n');
    execFileSync(CC, ['--target=wasm32-wasi', '-O2', '-o', join(dir, 'probe.wasm'), join(dir, 'probe.c')], { stdio: 'pipe' });
    toolchain = undefined;
  } catch (e) {
    const why = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim().split('\n').slice(-1)[0];
    toolchain = `C cannot be compiled to WASI here (${why}): install ${WASI_C_PACKAGES} (Debian: apt-get install ${WASI_C_PACKAGES})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return toolchain;
}

const ccArgs = (maxMemoryPages?: number) => ['--target=wasm32-wasi', '-O2', '-Wall', ...(maxMemoryPages ? [`-Wl,--max-memory=${maxMemoryPages * 65536}`] : []), '-Wl,--strip-all'];

/** Compiles C sources into a WASI command at `out`; its memory's maximum is maxMemoryPages (none without). */
export function compileC(sources: string[], out: string, maxMemoryPages?: number, flags: string[] = []): Uint8Array {
  const missing = wasiToolchainMissing();
  if (missing) throw new DriverBuildError(missing);
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(CC, [...ccArgs(maxMemoryPages), ...flags, '-o', tmp, ...sources], { stdio: 'pipe' });
  } catch (e) {
    throw new DriverBuildError(`clang could not build ${sources.join(' ')}: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`);
  }
  renameSync(tmp, out);
  return new Uint8Array(readFileSync(out));
}

const cSources = (dir: string) => (existsSync(join(dir, 'src')) ? readdirSync(join(dir, 'src')).filter((f) => f.endsWith('.c')).sort().map((f) => join(dir, 'src', f)) : []);
const ASC = join(ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const WASI_SHIM = join(ROOT, 'node_modules', '@assemblyscript', 'wasi-shim', 'asconfig.json');

/** A wasi-command driver folder: src/*.c, or assembly/index.ts under a manifest of kind 'wasi-command'. */
export function isWasiDriverDir(dir: string): boolean {
  if (cSources(dir).length) return true;
  if (!existsSync(join(dir, 'assembly', 'index.ts')) || !existsSync(join(dir, 'manifest.json'))) return false;
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).kind === 'wasi-command';
  } catch {
    return false;
  }
}

/** Compiles assembly/index.ts with the WASI shim into a WASI command at `out`. */
export function compileAssemblyScript(entry: string, out: string, maxMemoryPages: number): Uint8Array {
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    // The shim's config by a path relative to camos's root, run from there: given an absolute
    // path, asc 0.28 does not find the shim's library folder (its config's 'lib').
    execFileSync(process.execPath, [ASC, resolve(entry), '--config', `./${relative(ROOT, WASI_SHIM)}`, '--runtime', 'stub', '-O3', '--maximumMemory', String(maxMemoryPages), '--noColors', '--outFile', resolve(tmp)], { stdio: 'pipe', cwd: ROOT });
  } catch (e) {
    throw new DriverBuildError(`asc could not build ${entry}: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`);
  }
  renameSync(tmp, out);
  return new Uint8Array(readFileSync(out));
}

export function shippedWasiDriverDirs(root = WASI_DRIVERS_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => join(root, n))
    .filter((d) => statSync(d).isDirectory() && isWasiDriverDir(d))
    .sort();
}

function readWasiTemplate(path: string): ManifestTemplate & { limits: { maxMemoryPages: number } } {
  const template = readTemplate(path);
  if (template.kind !== 'wasi-command') throw new DriverBuildError(`manifest template ${path} is of kind '${template.kind}', not 'wasi-command'`);
  const { maxMemoryPages } = template.limits;
  if (maxMemoryPages === undefined) throw new DriverBuildError(`manifest template ${path} has no limits.maxMemoryPages (the program is linked with that maximum)`);
  return { ...template, limits: { ...template.limits, maxMemoryPages } };
}

/** Compiles a C driver folder; rebuilds only when its sources, manifest or flags changed. */
export function buildWasiDriver(dir: string, opts: { outDir?: string; force?: boolean } = {}): WasiBuildResult {
  dir = resolve(dir);
  const templatePath = join(dir, 'manifest.json');
  const template = readWasiTemplate(templatePath);
  const shipped = resolve(dir, '..') === WASI_DRIVERS_DIR;
  const outDir = resolve(opts.outDir ?? (shipped ? join(BUILD_DIR, 'drivers-wasi', template.name) : join(dir, 'build')));
  const modulePath = join(outDir, `${template.name}.wasm`);
  const manifestPath = join(outDir, `${template.name}.manifest.json`);
  const recordPath = join(outDir, 'build.json');
  const sources = cSources(dir);
  const entry = join(dir, 'assembly', 'index.ts');
  if (!sources.length && !existsSync(entry)) throw new DriverBuildError(`${dir} has no src/*.c and no assembly/index.ts`);
  if (!sources.length) sources.push(entry);
  const hash = createHash('sha256').update(JSON.stringify(ccArgs(template.limits.maxMemoryPages))).update(readFileSync(templatePath));
  for (const s of sources) hash.update(s).update(readFileSync(s));
  const sourceHash = hash.digest('hex');

  let module: Uint8Array | undefined;
  let cached = false;
  if (!opts.force && existsSync(recordPath) && existsSync(modulePath)) {
    const onDisk = new Uint8Array(readFileSync(modulePath));
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    if (record.hash === sourceHash && record.digest === sha256Digest(onDisk)) [module, cached] = [onDisk, true];
  }
  if (!module) {
    mkdirSync(outDir, { recursive: true });
    module = sources[0] === entry ? compileAssemblyScript(entry, modulePath, template.limits.maxMemoryPages) : compileC(sources, modulePath, template.limits.maxMemoryPages);
    writeFileSync(recordPath, JSON.stringify({ hash: sourceHash, digest: sha256Digest(module), name: template.name, version: template.version, source: dir, builtAt: new Date().toISOString() }, null, 2) + '\n');
  }
  const digest = sha256Digest(module);
  writeFileSync(manifestPath, manifestText({ ...template, digest, module: basename(modulePath) }));
  return { name: template.name, version: template.version, template, modulePath, manifestPath, module, digest, cached };
}
