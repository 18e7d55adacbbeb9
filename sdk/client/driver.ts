// The other side of a grpc driver (kind "grpc"): serves cam_os.Driver for a handle
// function. Started by the kernel, it listens on the Unix socket in CAMOS_DRIVER_SOCKET and
// exits when its stdin closes (the kernel stopped or died, even by SIGKILL); otherwise on
// the address given. Each call's `kernel()` is a CamosClient with the call's token, good
// for context reads and writes in the driver's manifest's namespaces only.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fromRoot } from '../../host/base/root.ts';
import { CamosClient } from './index.ts';
import type * as T from './generated/index.ts';

const definition = protoLoader.loadSync(fromRoot('proto', 'cam_os.proto'), { keepCase: false, longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true });
const DRIVER = definition['cam_os.Driver'] as grpc.ServiceDefinition;

export interface DriverCall {
  input: Buffer;
  caller: string;
  taskId: string;
  /** When the kernel stops waiting; undefined without a deadline. */
  deadline?: Date;
  /** Aborts when the kernel cancels the call (its caller gave up, or its deadline passed). */
  signal: AbortSignal;
  /** The call's W3C trace context, for the driver's own spans. */
  traceparent?: string;
  /** A client of the kernel with this driver's token; throws when the kernel listens nowhere. */
  kernel(): CamosClient;
}

export interface DriverDefinition {
  name: string;
  version: string;
  description?: string;
  /** Its answer; a thrown Error is the driver's error (the call fails ABORTED with its message). */
  handle(call: DriverCall): Promise<Uint8Array> | Uint8Array;
  /** Whether it can take calls (Health); serving by default. */
  health?(): { serving: boolean; message?: string };
}

export interface ServeOptions {
  /** Where to listen: "unix:/path" or "127.0.0.1:port" (default: the kernel's CAMOS_DRIVER_SOCKET). */
  address?: string;
}

/** Serves the driver until it is stopped (SIGTERM, or its stdin closing when the kernel started it); resolves with the bound address. */
export async function serveDriver(driver: DriverDefinition, opts: ServeOptions = {}): Promise<{ address: string; server: grpc.Server }> {
  const socket = process.env.CAMOS_DRIVER_SOCKET;
  const address = opts.address ?? (socket ? `unix:${socket}` : undefined);
  if (!address) throw new Error('serveDriver: no address (set CAMOS_DRIVER_SOCKET, or pass { address })');
  const clients = new Map<string, CamosClient>();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 2 ** 20, 'grpc.max_send_message_length': 64 * 2 ** 20 });
  server.addService(DRIVER, {
    Describe: (_call: unknown, done: grpc.sendUnaryData<T.DriverDescribeResponse>) => done(null, { name: driver.name, version: driver.version, description: driver.description ?? '' }),
    Health: (_call: unknown, done: grpc.sendUnaryData<T.DriverHealthResponse>) => done(null, driver.health?.() ?? { serving: true }),
    Handle: (call: grpc.ServerUnaryCall<T.DriverHandleRequest__Output, T.DriverHandleResponse>, done: grpc.sendUnaryData<T.DriverHandleResponse>) => {
      const req = call.request;
      const aborts = new AbortController();
      call.on('cancelled', () => aborts.abort(new Error('the kernel cancelled the call')));
      const deadline = call.getDeadline();
      const traceparent = call.metadata.get('traceparent')[0];
      const kernel = () => {
        if (!req.kernelAddress) throw new Error('the kernel listens on no address: this call cannot reach it back');
        const key = `${req.kernelAddress}\u0000${req.token}`;
        let c = clients.get(key);
        if (!c) clients.set(key, (c = new CamosClient({ address: req.kernelAddress, token: req.token })));
        return c;
      };
      Promise.resolve()
        .then(() => driver.handle({ input: req.input, caller: req.caller, taskId: req.taskId, deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline as number) : undefined, signal: aborts.signal, traceparent: typeof traceparent === 'string' ? traceparent : undefined, kernel }))
        .then(
          (output) => done(null, { output: Buffer.from(output), error: '' }),
          (e: Error) => done(null, { output: Buffer.alloc(0), error: e?.message ?? String(e) }),
        );
    },
  });
  const bound = await new Promise<string>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(address.startsWith('unix:') ? address : address.replace(/:\d+$/, `:${port}`)))),
  );
  const stop = () => {
    for (const c of clients.values()) c.close();
    server.forceShutdown();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  // The kernel holds the other end of stdin: when it goes, so does the driver.
  if (socket && !opts.address) {
    process.stdin.on('end', stop).on('close', stop).on('error', stop);
    process.stdin.resume();
  }
  return { address: bound, server };
}
