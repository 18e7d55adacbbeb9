// A CLI-side connection to a running kernel over gRPC: JSON in, proto3 JSON out.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../config/index.ts';
import { fromPlain, toJson } from '../wire/codec.ts';
import { packageDefinition } from '../wire/proto.ts';
import { SyscallError, unimplemented } from '../base/errors.ts';
import { codeOfGrpc } from '../doors/status.ts';

export interface ConnectOptions {
  /** host:port of the kernel; default CAMOS_ADDRESS, else the configured host and port. */
  address?: string;
  /** Bearer token; default CAMOS_TOKEN, else <data-dir>/admin.token. */
  token?: string;
  dataDir?: string;
  /** Per-call deadline. */
  timeoutMs?: number;
}

export interface Connection {
  address: string;
  call(syscall: string, request?: unknown): Promise<Record<string, any>>;
  close(): void;
}

const ServiceClient = grpc.makeGenericClientConstructor(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');

export function resolveAddress(opts: ConnectOptions): string {
  if (opts.address) return opts.address;
  if (process.env.CAMOS_ADDRESS) return process.env.CAMOS_ADDRESS;
  const config = loadConfig({});
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return `${host}:${config.port}`;
}

export function resolveToken(opts: ConnectOptions): string | undefined {
  if (opts.token) return opts.token;
  if (process.env.CAMOS_TOKEN) return process.env.CAMOS_TOKEN;
  const dataDir = resolve(opts.dataDir ?? process.env.CAMOS_DATA_DIR ?? loadConfig({}).dataDir);
  try {
    return readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function connect(opts: ConnectOptions = {}): Connection {
  const address = resolveAddress(opts);
  const token = resolveToken(opts);
  const client = new ServiceClient(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  }) as unknown as Record<string, Function> & grpc.Client;
  return {
    address,
    async call(syscall, request = {}) {
      // The table is imported on first use: it pulls in every subsystem.
      const { lookup } = await import('../syscalls/table.ts');
      const row = lookup(syscall);
      if (!row) throw unimplemented(`unknown syscall '${syscall}'; \`camos syscalls\` lists them`);
      const md = new grpc.Metadata();
      if (token) md.set('authorization', `Bearer ${token}`);
      const decoded = fromPlain(`${row.rpc}Request`, request);
      const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
      return new Promise((resolvePromise, reject) => {
        client[row.rpc](decoded, md, { deadline }, (err: grpc.ServiceError | null, res: unknown) => {
          if (err) {
            const hint = err.code === grpc.status.UNAVAILABLE ? ` (is a kernel running at ${address}? start one with \`camos start\`)` : '';
            const code = codeOfGrpc(err.code);
            reject(new SyscallError(code === 'ok' ? 'unknown' : code, `${err.details || err.message}${hint}`));
          } else resolvePromise(toJson(`${row.rpc}Response`, res));
        });
      });
    },
    close: () => client.close(),
  };
}
