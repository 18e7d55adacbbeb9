// Options and output shared by the commands: those that talk to a running kernel, and
// those that edit a kernel's files in its data directory.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { SyscallError, codeName } from '../base/errors.ts';
import { connect, type Connection, type ConnectOptions } from './client.ts';

/** Adds --address, --token, --data-dir and --timeout to a command. */
export function withConnection(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'kernel address (default CAMOS_ADDRESS, else the configured host:port, 127.0.0.1:8080)')
    .option('--token <token>', 'bearer token (default CAMOS_TOKEN, else <data-dir>/admin.token)')
    .option('-d, --data-dir <dir>', 'data directory holding admin.token (default ./.camos)')
    .option('--timeout <ms>', 'per-call deadline in milliseconds', (v) => Number(v), 30_000);
}

export function connectionOptions(opts: Record<string, any>): ConnectOptions {
  return { address: opts.address, token: opts.token, dataDir: opts.dataDir, timeoutMs: opts.timeout };
}

/** Runs one call against the kernel and prints its JSON answer, or the error and exit code 1. */
export async function print(opts: ConnectOptions, run: (c: Connection) => Promise<unknown>): Promise<void> {
  const c = connect(opts);
  try {
    const res = await run(c);
    console.log(JSON.stringify(res, null, 2));
  } catch (e) {
    if (e instanceof SyscallError) console.error(`camos: ${codeName(e.code)}: ${e.message}`);
    else console.error(`camos: ${(e as Error).message}`);
    process.exitCode = 1;
  } finally {
    c.close();
  }
}

/** Files a kernel's data directory holds once a kernel has started there (or a key was trusted there with -d). */
const KERNEL_FILES = ['admin.token', 'trust.json'];

/**
 * The data directory a command that edits a kernel's files works on: -d, else
 * CAMOS_DATA_DIR, else the configured dataDir (./.camos). A directory named by -d or the
 * environment is taken as it is (a command that writes creates it); the default must
 * already be a kernel's, so that a command run from the wrong directory says so instead
 * of writing files that no kernel reads.
 */
export function kernelDataDir(opts: { dataDir?: string; config?: string }): string {
  const named = opts.dataDir ?? process.env.CAMOS_DATA_DIR;
  if (named) return resolve(named);
  const dir = resolve(loadConfig({ file: opts.config }).dataDir);
  if (!KERNEL_FILES.some((f) => existsSync(join(dir, f)))) {
    throw new Error(`no kernel data directory at ${dir} (no kernel has started there); pass -d <dir>, the --data-dir of the kernel to change, or set CAMOS_DATA_DIR`);
  }
  return dir;
}
