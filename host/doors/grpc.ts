// The gRPC door: one unary method per syscall row, the Session stream, health checking
// and reflection. grpc-js gets connections through a connection injector (see listen.ts).
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Kernel } from '../kernel.ts';
import { aliases, table } from '../syscalls/table.ts';
import { packageDefinition } from '../wire/proto.ts';
import { metaString, peerAddress } from './metadata.ts';
import { handleSession } from './session.ts';
import { grpcStatusOf } from './status.ts';
import { decodeOrExplain, MalformedMessage } from '../wire/strict.ts';

const SERVICE = 'cam_os.SyscallService';

export interface GrpcDoor {
  server: grpc.Server;
  health: HealthImplementation;
}

export function createGrpcDoor(kernel: Kernel): GrpcDoor {
  const maxBytes = kernel.config.maxMessageBytes;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': maxBytes,
    // A connection without a call open is sent GOAWAY and closed after this long.
    'grpc.max_connection_idle_ms': kernel.config.doors.idleTimeoutMs,
  });

  const definition = packageDefinition[SERVICE] as grpc.ServiceDefinition;
  const implementation: grpc.UntypedServiceImplementation = {};
  const service: grpc.ServiceDefinition = {};

  const rpcs = new Map<string, string>(table.map((r) => [r.rpc, r.name]));
  for (const [alias, target] of Object.entries(aliases)) if (rpcs.has(target)) rpcs.set(alias, rpcs.get(target)!);

  for (const [method, def] of Object.entries(definition)) {
    const requestType = (def as unknown as { requestType: { type: { name: string } } }).requestType.type.name;
    (service as Record<string, grpc.MethodDefinition<unknown, unknown>>)[method] = { ...def, requestDeserialize: (buf: Buffer) => decodeOrExplain(requestType, buf) };
    if (method === 'Session') {
      implementation[method] = (call: grpc.ServerDuplexStream<unknown, unknown>) => handleSession(kernel, call);
      continue;
    }
    const syscall = rpcs.get(method);
    if (!syscall) throw new Error(`proto method ${method} has no row in the syscall table`);
    implementation[method] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (call.request instanceof MalformedMessage) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: call.request.message });
        return;
      }
      const deadline = call.getDeadline();
      kernel
        .dispatch(syscall, call.request, {
          door: 'grpc',
          token: metaString(call.metadata, 'authorization'),
          traceparent: metaString(call.metadata, 'traceparent'),
          source: peerAddress(call),
          deadline: deadline instanceof Date ? deadline.getTime() : Number.isFinite(deadline) ? deadline : undefined,
        })
        .then(
          (res) => callback(null, res),
          (err) => callback(grpcStatusOf(err)),
        );
    };
  }
  server.addService(service, implementation);

  const health = new HealthImplementation({ '': 'SERVING', [SERVICE]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService(packageDefinition).addToServer(server);
  return { server, health };
}
