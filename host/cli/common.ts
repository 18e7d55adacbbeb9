// Options and output shared by the commands that talk to a running kernel.
import type { Command } from 'commander';
import { SyscallError, codeName } from '../syscalls/errors.ts';
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
