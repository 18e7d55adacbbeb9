// Builds a grpc driver written in TypeScript: drivers-grpc/<name>/driver.ts bundled by
// esbuild with the SDK's code into one script with a #! line, executable, so that the
// manifest's digest covers all of the driver's own code (its npm packages stay in
// node_modules) and it starts with plain Node.js, no TypeScript loader.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { sha256Digest, type ManifestTemplate } from '../drivers/manifest.ts';
import { manifestText } from './sign.ts';
import { BUILD_DIR, DriverBuildError, ROOT, readTemplate } from './build.ts';

/** Shipped grpc examples: drivers-grpc/<name>/ with manifest.json and driver.ts. */
export const GRPC_DRIVERS_DIR = join(ROOT, 'drivers-grpc');

export interface GrpcBuildResult {
  name: string;
  version: string;
  template: ManifestTemplate;
  /** The script the manifest's command starts. */
  programPath: string;
  /** The unsigned manifest written beside it: command.path absolute, digest filled in (`camos driver sign` or `load --key` signs it). */
  manifestPath: string;
  program: Uint8Array;
  digest: string;
}

/** A folder with driver.ts and a manifest template of kind 'grpc'. */
export function isGrpcDriverDir(dir: string): boolean {
  const path = join(dir, 'manifest.json');
  if (!existsSync(join(dir, 'driver.ts')) || !existsSync(path)) return false;
  try {
    return JSON.parse(readFileSync(path, 'utf8')).kind === 'grpc';
  } catch {
    return false;
  }
}

export function shippedGrpcDriverDirs(root = GRPC_DRIVERS_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => join(root, n))
    .filter((d) => statSync(d).isDirectory() && isGrpcDriverDir(d))
    .sort();
}

/** Bundles a grpc driver folder into build/drivers-grpc/<name>/<command.path> (or <dir>/build/ outside the shipped ones). */
export function buildGrpcDriver(dir: string, opts: { outDir?: string } = {}): GrpcBuildResult {
  dir = resolve(dir);
  const templatePath = join(dir, 'manifest.json');
  const template = readTemplate(templatePath);
  if (template.kind !== 'grpc') throw new DriverBuildError(`manifest template ${templatePath} is of kind '${template.kind}', not 'grpc'`);
  if (!template.command) throw new DriverBuildError(`manifest template ${templatePath} names no 'command' (the script this build writes)`);
  const shipped = resolve(dir, '..') === GRPC_DRIVERS_DIR;
  const outDir = resolve(opts.outDir ?? (shipped ? join(BUILD_DIR, 'drivers-grpc', template.name) : join(dir, 'build')));
  const programPath = resolve(outDir, template.command.path);
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: [join(dir, 'driver.ts')],
    outfile: programPath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  });
  if (result.errors.length) throw new DriverBuildError(`${dir}: ${result.errors.map((e) => e.text).join('; ')}`);
  chmodSync(programPath, 0o755);
  const program = new Uint8Array(readFileSync(programPath));
  const digest = sha256Digest(program);
  const manifestPath = join(outDir, `${template.name}.manifest.json`);
  writeFileSync(manifestPath, manifestText({ ...template, command: { ...template.command, path: programPath }, digest }));
  return { name: template.name, version: template.version, template, programPath, manifestPath, program, digest };
}
