// How a kernel connects to NATS: one set of options for the replicator's connection and the
// work queue and the questions (link.ts), so that credentials and TLS are read one way.
import { readFileSync } from 'node:fs';
import { credsAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { FederationConfig } from './config.ts';

export function natsOptions(config: FederationConfig, name: string): NodeConnectionOptions {
  return {
    servers: config.url.split(',').map((s) => s.trim()),
    name,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    ...(config.credentials ? { authenticator: credsAuthenticator(readFileSync(config.credentials)) } : {}),
    ...(config.tls ? { tls: { caFile: config.tls.ca, certFile: config.tls.cert, keyFile: config.tls.key } } : {}),
  };
}
