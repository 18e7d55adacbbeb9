// The tests' kernel: in-process on a fresh data directory (openKernel), or with its doors on
// a free port too (startKernel); each removes its data directory when it stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createKernel, serve, type Kernel, type Doors } from '../../host/index.ts';
import type { ConfigInput } from '../../host/config/index.ts';
import { packageDefinition } from '../../host/wire/proto.ts';

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
  stop(): Promise<void>;
}

export interface OpenKernel {
  kernel: Kernel;
  dataDir: string;
  /** Closes the kernel and removes its data directory. */
  close(): Promise<void>;
}

/**
 * An in-process kernel (no doors) on a fresh data directory, its log silent. Config is
 * merged over that; `drivers` over { loadExamples: false, watch: false }, so that no test
 * waits on the example drivers' build unless it asks for them.
 */
export async function openKernel(config: ConfigInput = {}): Promise<OpenKernel> {
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-test-'));
  try {
    const kernel = await createKernel({ config: { logLevel: 'silent', ...config, drivers: { loadExamples: false, watch: false, ...config.drivers }, dataDir } });
    return {
      kernel,
      dataDir,
      async close() {
        await kernel.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

const ServiceClient = grpc.makeGenericClientConstructor(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');

export async function startKernel(config: ConfigInput = {}): Promise<RunningKernel> {
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-test-'));
  const kernel = await createKernel({ config: { logLevel: 'silent', port: 0, ...config, dataDir } });
  const doors = await serve(kernel, { host: '127.0.0.1', port: 0 });
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
    async stop() {
      client.close();
      await doors.close(2000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
