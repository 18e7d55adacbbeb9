// A plain grpc-js server with camos's proto and no pipeline: the baseline that the
// syscalls benchmark compares the kernel against. Prints its port on stdout.
import * as grpc from '@grpc/grpc-js';
import { packageDefinition } from '../host/wire/proto.ts';

const server = new grpc.Server();
const health = { status: 'ok', components: {}, timestamp: 0, version: '0.1.0', uptimeMs: 0 };
server.addService(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, {
  HealthCheck: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { ...health, timestamp: Date.now() }),
  Session: (call: grpc.ServerDuplexStream<any, unknown>) => {
    call.on('data', (req: any) => call.write({ requestId: req.requestId, code: 0, message: '', final: true, healthCheck: { ...health, timestamp: Date.now() } }));
    call.on('end', () => call.end());
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(port);
});
