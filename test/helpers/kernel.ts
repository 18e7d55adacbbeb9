// The tests' kernel: in-process on a fresh data directory (openKernel), or with its doors on
// a free port too (startKernel). A kernel on a fresh directory removes it when it stops; one
// given a directory of the caller's (`dataDir`) leaves it. No test file writes this set-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createKernel, serve, type Kernel, type Doors } from '../../host/index.ts';
import type { ConfigInput } from '../../host/config/index.ts';
import type { Logger } from '../../host/telemetry/log.ts';
import { packageDefinition } from '../../host/wire/proto.ts';

export interface KernelOptions {
  /** The caller's data directory (a kernel reopened on it, one shared with a trust store): kept when the kernel stops. */
  dataDir?: string;
  /** A logger of the test's (to read the kernel's log lines); otherwise logLevel 'silent'. */
  logger?: Logger;
  /** startKernel: the doors' port (a kernel restarted where its clients expect it); otherwise a free one. */
  port?: number;
}

export interface RunningKernel {
  kernel: Kernel;
  doors: Doors;
  port: number;
  address: string;
  dataDir: string;
  adminToken: string;
  /** A grpc-js client of cam_os.SyscallService (methods by RPC name). */
  client: grpc.Client & Record<string, any>;
  metadata(token?: string | null): grpc.Metadata;
  /** Calls a unary RPC; resolves with the response or rejects with the grpc ServiceError. */
  unary(rpc: string, request: unknown, token?: string | null): Promise<any>;
  /** Closes the client and the doors (which close the kernel), then removes a data directory of its own. */
  stop(graceMs?: number): Promise<void>;
}

export interface OpenKernel {
  kernel: Kernel;
  dataDir: string;
  /** Opens its doors on a free port of 127.0.0.1 (once; they close with the kernel). */
  serve(): Promise<Doors>;
  /** Closes the doors if opened and the kernel, and removes a data directory of its own. */
  close(): Promise<void>;
  /** Closes the kernel and opens another on the same data directory (config as given, over the same defaults). */
  reopen(config?: ConfigInput): Promise<OpenKernel>;
}

/** A fresh data directory, or the caller's; `remove` removes only a fresh one. */
function dataDirOf(opts: KernelOptions): { dataDir: string; remove(): void } {
  if (opts.dataDir) return { dataDir: opts.dataDir, remove() {} };
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-test-'));
  return { dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function create(config: ConfigInput, dataDir: string, opts: KernelOptions, remove: () => void): Promise<Kernel> {
  try {
    return await createKernel({ config: { logLevel: 'silent', ...config, dataDir }, logger: opts.logger });
  } catch (e) {
    remove();
    throw e;
  }
}

/**
 * An in-process kernel (no doors), its log silent. Config is merged over that; `drivers`
 * over { loadExamples: false, watch: false }, so that no test waits on the example drivers'
 * build unless it asks for them.
 */
export async function openKernel(config: ConfigInput = {}, opts: KernelOptions = {}): Promise<OpenKernel> {
  const { dataDir, remove } = dataDirOf(opts);
  return opened(config, dataDir, opts, remove);
}

async function opened(config: ConfigInput, dataDir: string, opts: KernelOptions, remove: () => void): Promise<OpenKernel> {
  const kernel = await create({ ...config, drivers: { loadExamples: false, watch: false, ...config.drivers } }, dataDir, opts, remove);
  let doors: Promise<Doors> | undefined;
  const close = async () => {
    await (await doors?.catch(() => undefined))?.close(0);
    await kernel.close();
  };
  return {
    kernel,
    dataDir,
    serve: () => (doors ??= serve(kernel, { host: '127.0.0.1', port: 0 })),
    async close() {
      await close();
      remove();
    },
    async reopen(next = {}) {
      await close();
      return opened(next, dataDir, opts, remove);
    },
  };
}

const ServiceClient = grpc.makeGenericClientConstructor(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');

/** A kernel with its doors on a free port of 127.0.0.1 and a client of them. Config is merged over { logLevel: 'silent' }. */
export async function startKernel(config: ConfigInput = {}, opts: KernelOptions = {}): Promise<RunningKernel> {
  const { dataDir, remove } = dataDirOf(opts);
  const kernel = await create({ port: 0, ...config }, dataDir, opts, remove);
  const doors = await serve(kernel, { host: '127.0.0.1', port: opts.port ?? 0 });
  const address = `127.0.0.1:${doors.port}`;
  const client = new ServiceClient(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 }) as RunningKernel['client'];
  const adminToken = kernel.identity.adminToken();
  const metadata = (token: string | null = adminToken) => {
    const md = new grpc.Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    return md;
  };
  return {
    kernel,
    doors,
    port: doors.port,
    address,
    dataDir,
    adminToken,
    client,
    metadata,
    unary: (rpc, request, token = adminToken) =>
      new Promise((resolve, reject) => client[rpc](request, metadata(token), (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res)))),
    async stop(graceMs = 2000) {
      client.close();
      await doors.close(graceMs);
      remove();
    },
  };
}
