// The bench's grpc driver: answers its input, through the SDK's serveDriver.
import { serveDriver } from '../../../sdk/client/driver.ts';

await serveDriver({ name: process.env.NAME ?? 'echo-grpc', version: '1.0.0', handle: (call) => call.input });
