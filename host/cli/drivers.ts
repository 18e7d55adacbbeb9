// camos keygen | driver new|build|inspect|sign | trust add|list|remove|revoke
// These work on files (sources, manifests, key files, <data-dir>/trust.json); the commands
// that talk to a running kernel (driver load|unload|list|call) join the same `driver` group.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { generateHybridKeyPair } from '../crypto/hybrid.ts';
import { buildDriver, inspectComponent } from '../toolchain/build.ts';
import { readKeyPair, readPublicKey, writeKeyPair } from '../toolchain/keys.ts';
import { modulePathOf, sha256Digest } from '../drivers/manifest.ts';
import { manifestText, signManifest } from '../toolchain/sign.ts';
import { scaffoldDriver } from '../toolchain/scaffold.ts';
import { buildGrpcDriver, isGrpcDriverDir } from '../toolchain/grpc-build.ts';
import { buildWasiDriver, isWasiDriverDir } from '../toolchain/wasi-build.ts';
import { scaffoldWasiDriver } from '../toolchain/wasi-scaffold.ts';
import { TrustStore } from '../drivers/trust.ts';
import { kernelDataDir } from './common.ts';

/** Signs a built manifest file with a key pair file (in place, or to `out`); refuses when its component has changed since the build. */
export function signManifestFile(manifestPath: string, keyPath: string, out = manifestPath) {
  const path = resolve(manifestPath);
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof manifest?.name !== 'string' || typeof manifest.digest !== 'string') throw new Error(`${path} is not a built manifest (it needs 'name' and 'digest'; \`camos driver build\` writes one)`);
  const modulePath = modulePathOf(path, manifest);
  if (existsSync(modulePath)) {
    const actual = sha256Digest(new Uint8Array(readFileSync(modulePath)));
    if (actual !== manifest.digest) throw new Error(`${modulePath} has digest ${actual} but the manifest says ${manifest.digest}; rebuild before signing`);
  }
  const signed = signManifest(manifest, readKeyPair(resolve(keyPath)));
  writeFileSync(resolve(out), manifestText(signed));
  return { manifest: resolve(out), driver: `${signed.name}@${signed.version}`, publisher: signed.publisher, digest: signed.digest };
}

/** Runs a command body; an error prints as `camos: <message>` with exit code 1. */
function action<A extends unknown[]>(fn: (...args: A) => unknown | Promise<unknown>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      console.error(`camos: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  };
}

/** The `driver` command group, created once; other modules add their subcommands to it. */
export function driverCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'driver') ?? program.command('driver').description('write, build, sign, inspect and run WebAssembly drivers');
}

export function register(program: Command): void {
  program
    .command('keygen')
    .description('make a publisher key pair (ML-DSA-65 + Ed25519) for signing driver manifests')
    .option('-o, --out <file>', 'key pair file (written 0600); the public key goes to <file minus .json>.pub.json', 'publisher.json')
    .option('--force', 'overwrite an existing key file')
    .action(
      action((opts: { out: string; force?: boolean }) => {
        const out = resolve(opts.out);
        if (existsSync(out) && !opts.force) throw new Error(`${out} exists; use --force to replace it (its signatures will no longer be trusted)`);
        const key = generateHybridKeyPair();
        const publicPath = writeKeyPair(out, key);
        console.log(JSON.stringify({ keyId: key.publicKey.keyId, algorithm: 'ML-DSA-65+Ed25519', keyFile: out, publicKeyFile: publicPath }, null, 2));
      }),
    );

  const driver = driverCommand(program);
  driver
    .command('new <name>')
    .description('scaffold a driver: assembly/index.ts, manifest.json, a test and a package.json linked to this camos')
    .option('--dir <dir>', 'where to create it (default ./<name>)')
    .option('--kind <kind>', "'component' (AssemblyScript against camos:driver) or 'wasi-command' (a WASI program: stdin in, stdout out)", 'component')
    .option('--lang <lang>', "a wasi-command driver's language: 'c'", 'c')
    .action(
      action((name: string, opts: { dir?: string; kind: string; lang: string }) => {
        if (opts.kind !== 'component' && opts.kind !== 'wasi-command') throw new Error(`--kind is 'component' or 'wasi-command', not '${opts.kind}'`);
        const made = opts.kind === 'wasi-command' ? scaffoldWasiDriver(opts.dir ?? name, name, opts.lang) : scaffoldDriver(opts.dir ?? name, name);
        const test = opts.kind === 'component' ? `   (and \`npm test\` in ${made.dir} runs its test)` : '';
        console.log(`created ${made.dir}:\n${made.files.map((f) => `  ${f}`).join('\n')}\nnext: camos driver build ${opts.dir ?? name}${test}`);
      }),
    );

  driver
    .command('build [dir]')
    .description('compile a driver (asc into a component, clang for wasm32-wasi for a wasi-command driver with src/*.c, or esbuild bundling a grpc driver\'s driver.ts into one script; outputs in <dir>/build/)')
    .option('--manifest <file>', 'manifest template (default <dir>/manifest.json; manifests/<name>.json for drivers-as/<name>)')
    .option('--out-dir <dir>', "output directory (default <dir>/build; camos's build/drivers/<name> for drivers-as/<name>)")
    .option('--debug', "build asconfig.json's debug target")
    .option('--force', 'rebuild even when the sources have not changed')
    .action(
      action(async (dir: string | undefined, opts: { manifest?: string; outDir?: string; debug?: boolean; force?: boolean }) => {
        if (isGrpcDriverDir(dir ?? '.')) {
          const g = buildGrpcDriver(dir ?? '.', { outDir: opts.outDir });
          return console.log(JSON.stringify({ driver: `${g.name}@${g.version}`, kind: 'grpc', digest: g.digest, program: g.programPath, programBytes: g.program.length, manifest: g.manifestPath }, null, 2));
        }
        if (isWasiDriverDir(dir ?? '.')) {
          const w = buildWasiDriver(dir ?? '.', { outDir: opts.outDir, force: opts.force });
          return console.log(JSON.stringify({ driver: `${w.name}@${w.version}`, kind: 'wasi-command', digest: w.digest, module: w.modulePath, moduleBytes: w.module.length, manifest: w.manifestPath, cached: w.cached }, null, 2));
        }
        const r = await buildDriver(dir ?? '.', { manifest: opts.manifest, outDir: opts.outDir, target: opts.debug ? 'debug' : 'release', force: opts.force });
        console.log(
          JSON.stringify(
            { driver: `${r.name}@${r.version}`, digest: r.digest, component: r.componentPath, componentBytes: r.component.length, core: r.corePath, manifest: r.manifestPath, imports: r.imports, cached: r.cached },
            null,
            2,
          ),
        );
      }),
    );

  driver
    .command('inspect <file>')
    .description("print a component's WIT, digest, size, imports and memory")
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, opts: { json?: boolean }) => {
        const i = await inspectComponent(resolve(file));
        if (opts.json) return console.log(JSON.stringify(i, null, 2));
        const memory = i.memory.map((m) => `${m.initialPages} pages initial, ${m.maximumPages === undefined ? 'no maximum' : `maximum ${m.maximumPages} pages`}${m.imported ? ' (imported)' : ''}`);
        console.log(
          [
            `file:    ${resolve(file)}`,
            `kind:    ${i.kind}`,
            `digest:  ${i.digest}`,
            `size:    ${i.size} bytes`,
            `imports: ${i.imports.map((m) => `${m.module}#${m.name}`).join(', ') || 'none'}`,
            `exports: ${i.exports.map((e) => e.name).join(', ')}`,
            `memory:  ${memory.join('; ') || 'none'}`,
            ...(i.wit ? ['', i.wit.trimEnd()] : []),
          ].join('\n'),
        );
      }),
    );

  driver
    .command('sign <manifest>')
    .description("sign a manifest's canonical bytes (which hold the component's digest) with a publisher key")
    .requiredOption('--key <file>', 'key pair file from `camos keygen`')
    .option('-o, --out <file>', 'write the signed manifest here (default: in place)')
    .action(action((manifestPath: string, opts: { key: string; out?: string }) => console.log(JSON.stringify(signManifestFile(manifestPath, opts.key, opts.out), null, 2))));

  const trust = program
    .command('trust')
    .description("the publisher keys a kernel accepts drivers from (<data-dir>/trust.json); a kernel running on that data dir applies a change at once");
  const withDataDir = (c: Command) =>
    c.option('-d, --data-dir <dir>', "the kernel's data directory (default CAMOS_DATA_DIR, else the configured dataDir, ./.camos, which must then hold a kernel's files)");
  const storeOf = (opts: { dataDir?: string }) => new TrustStore(kernelDataDir(opts));
  withDataDir(trust.command('add <pubkey-file>'))
    .description('trust a publisher key (a .pub.json from `camos keygen`, or a key pair file)')
    .option('--name <name>', 'a label for the key', '')
    .action(
      action((file: string, opts: { dataDir?: string; name: string }) => {
        const store = storeOf(opts);
        const key = store.add(readPublicKey(resolve(file)), opts.name);
        console.log(JSON.stringify({ trusted: key.keyId, name: key.name, trustStore: store.path }, null, 2));
      }),
    );
  withDataDir(trust.command('list'))
    .description('list trusted publisher keys')
    .action(
      action((opts: { dataDir?: string }) => {
        const store = storeOf(opts);
        const keys = store.list().map((k) => ({ keyId: k.keyId, name: k.name, addedAt: new Date(k.addedAt).toISOString(), revoked: k.revoked, ...(k.revokedAt ? { revokedAt: new Date(k.revokedAt).toISOString() } : {}) }));
        console.error(`camos: trust store ${store.path}`);
        console.log(JSON.stringify(keys, null, 2));
      }),
    );
  withDataDir(trust.command('remove <key-id>'))
    .description('stop trusting a key: its manifests are refused as from an unknown key, and its loaded drivers are unloaded')
    .action(
      action((keyId: string, opts: { dataDir?: string }) => {
        const store = storeOf(opts);
        if (!store.remove(keyId)) throw new Error(`key ${keyId} is not in the trust store ${store.path}`);
        console.log(JSON.stringify({ removed: keyId, trustStore: store.path }, null, 2));
      }),
    );
  withDataDir(trust.command('revoke <key-id>'))
    .description('revoke a key: its manifests are refused as revoked, its loaded drivers are unloaded, and it cannot be re-added until removed')
    .action(
      action((keyId: string, opts: { dataDir?: string }) => {
        const store = storeOf(opts);
        const key = store.revoke(keyId);
        console.log(JSON.stringify({ revoked: key.keyId, revokedAt: new Date(key.revokedAt!).toISOString(), trustStore: store.path }, null, 2));
      }),
    );
}
