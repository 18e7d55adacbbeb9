// The doors on one port: each new connection is peeked at; the HTTP/2 preface goes to
// grpc-js through a connection injector, anything else to Node's HTTP/1.1 server.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Kernel } from '../kernel.ts';
import { fileDescriptors } from '../telemetry/machine.ts';
import { createGrpcDoor } from './grpc.ts';
import { createHttpDoor } from './http.ts';

export interface Doors {
  host: string;
  port: number;
  /** Stops accepting, lets in-flight calls finish (up to graceMs), then closes the kernel. */
  close(graceMs?: number): Promise<void>;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** File descriptors kept out of the connection cap: the kernel's own files, threads and the connections it makes. */
const FD_RESERVE = 256;

export async function serve(kernel: Kernel, opts: { host?: string; port?: number } = {}): Promise<Doors> {
  const host = opts.host ?? kernel.config.host;
  const port = opts.port ?? kernel.config.port;
  const limits = kernel.config.doors;
  const grpcDoor = createGrpcDoor(kernel);
  const injector = grpcDoor.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const http = createHttpDoor(kernel);
  const sockets = new Set<Socket>();

  const listener: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Until its first bytes say which protocol it speaks, a connection has headersTimeoutMs;
    // then the protocol's own timeouts hold (http.ts; grpc.ts for HTTP/2).
    const silent = () => socket.destroy();
    socket.setTimeout(limits.headersTimeoutMs);
    socket.once('timeout', silent);
    let head = Buffer.alloc(0);
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = socket.read()) !== null) head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      if (n === 0) return;
      const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && n < PREFACE.length) return; // wait for the rest of the preface
      socket.off('readable', onReadable);
      socket.off('timeout', silent);
      socket.setTimeout(0);
      socket.unshift(head);
      if (isH2) injector.injectConnection(socket);
      else http.emit('connection', socket);
    };
    socket.on('readable', onReadable);
  });
  listener.maxConnections = connectionCap(kernel);
  // Past the cap Node closes a new connection at once ('drop'); said at most once a minute.
  let dropped = 0;
  let saidAt = 0;
  listener.on('drop', () => {
    dropped++;
    if (Date.now() - saidAt < 60_000) return;
    saidAt = Date.now();
    kernel.log.warn({ dropped, maxConnections: listener.maxConnections }, `${listener.maxConnections} connections are open (doors.maxConnections): new ones are closed at once (${dropped} so far); idle ones close after doors.idleTimeoutMs`);
  });
  // A failed accept (out of file descriptors) is the machine's, not the listener's: it goes on listening.
  listener.on('error', (err) => kernel.log.warn({ err }, `accepting a connection failed: ${err.message}`));

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });

  const address = listener.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  kernel.log.info({ host, port: boundPort }, `camos listening on ${host}:${boundPort} (gRPC and HTTP)`);
  // Where grpc drivers reach the kernel back: loopback when it listens on every address.
  kernel.drivers.kernelAddress = `${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${boundPort}`;

  let closing: Promise<void> | undefined;
  return {
    host,
    port: boundPort,
    close(graceMs = kernel.config.shutdownGraceMs) {
      closing ??= (async () => {
        grpcDoor.health.setStatus('', 'NOT_SERVING');
        grpcDoor.health.setStatus('cam_os.SyscallService', 'NOT_SERVING');
        listener.close();
        await kernel.drain(graceMs);
        http.closeIdleConnections();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            grpcDoor.server.forceShutdown();
            resolve();
          }, Math.max(100, graceMs));
          grpcDoor.server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        injector.destroy();
        http.closeAllConnections();
        http.close(); // stops its connection checks (it never listened itself)
        for (const s of sockets) s.destroy();
        await kernel.close();
      })();
      return closing;
    },
  };
}

/** doors.maxConnections, lowered to what the process's descriptor limit leaves (ulimit -n less FD_RESERVE). */
function connectionCap(kernel: Kernel): number {
  const wanted = kernel.config.doors.maxConnections;
  const limit = fileDescriptors()?.limit;
  if (!limit || limit - FD_RESERVE >= wanted) return wanted;
  const cap = Math.max(16, limit - FD_RESERVE);
  kernel.log.warn({ wanted, cap, fileLimit: limit }, `doors.maxConnections is ${wanted}, but the process may open only ${limit} files (ulimit -n): at most ${cap} connections are taken`);
  return cap;
}
