// camos driver load|unload|list|call: the commands that talk to a running kernel's driver
// runtime over gRPC. They join the `driver` group of drivers.ts (build, sign, inspect...).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildPaths } from '../toolchain/build.ts';
import { modulePathOf } from '../drivers/manifest.ts';
import { connectionOptions, print, withConnection } from './common.ts';
import { driverCommand, signManifestFile } from './drivers.ts';

/** A manifest file, or the built manifest of a driver folder. */
function manifestOf(arg: string): string {
  const path = resolve(arg);
  if (!existsSync(path) || !statSync(path).isDirectory()) return path;
  const built = buildPaths(path).manifestPath;
  if (!existsSync(built)) throw new Error(`${path} has no build (${built}); run \`camos driver build ${arg}\` first`);
  return built;
}

export function register(program: Command): void {
  const driver = driverCommand(program);

  withConnection(driver.command('load <manifest>'))
    .description("verify a signed manifest (a file, or a driver folder's build) and its component, and load the driver into the running kernel")
    .option('--key <file>', 'sign the manifest with this key pair first (in place, as `camos driver sign` does)')
    .option('--path', "send the manifest's path instead of its bytes (it must be in the kernel's drivers directory, <data-dir>/drivers)")
    .action((manifest: string, opts: Record<string, any>) =>
      print(connectionOptions(opts), (c) => {
        const path = manifestOf(manifest);
        if (opts.key) signManifestFile(path, opts.key);
        if (opts.path) return c.call('sys_driver_load', { manifestPath: path });
        const text = readFileSync(path);
        const { name, module, command, address } = JSON.parse(text.toString('utf8'));
        // A grpc driver at an address has no artifact; one with a command sends its program.
        const program = typeof command?.path === 'string' && isAbsolute(command.path) ? command.path : modulePathOf(path, { name, module, command });
        const artifact = address !== undefined && command === undefined ? Buffer.alloc(0) : readFileSync(program);
        return c.call('sys_driver_load', { manifestData: text, module: artifact });
      }),
    );

  withConnection(driver.command('unload <driver>'))
    .description('unload name@version, or every version of name; waits for calls in flight')
    .action((ref: string, opts: Record<string, any>) => print(connectionOptions(opts), (c) => c.call('sys_driver_unload', { name: ref })));

  withConnection(driver.command('list'))
    .description('the drivers loaded in the running kernel')
    .action((opts: Record<string, any>) => print(connectionOptions(opts), (c) => c.call('sys_driver_list', {})));

  withConnection(driver.command('call <driver> [input]'))
    .description('call a driver (name or name@version) once with an input (text, or --file); prints its output')
    .option('--file <path>', 'read the input from a file')
    .option('--timeout-ms <ms>', "the call's time limit, at most the manifest's", (v) => Number(v), 0)
    .option('--json', 'print the whole answer (output in base64, driver, duration)')
    .action((ref: string, input: string | undefined, opts: Record<string, any>) =>
      print(connectionOptions(opts), async (c) => {
        const bytes = opts.file ? readFileSync(opts.file) : Buffer.from(input ?? '', 'utf8');
        const res = await c.call('sys_driver_invoke', { name: ref, input: bytes, timeoutMs: opts.timeoutMs });
        if (opts.json) return res;
        const text = Buffer.from(res.output ?? '', 'base64').toString('utf8');
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      }),
    );
}
