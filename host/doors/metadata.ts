// What the gRPC doors (unary and Session) read of a call's metadata and connection.
import type * as grpc from '@grpc/grpc-js';

/** A metadata value as a string (the first, when a key is sent more than once). */
export const metaString = (md: grpc.Metadata, key: string): string | undefined => {
  const v = md.get(key)[0];
  return v === undefined ? undefined : String(v);
};

/** The remote address of a call's connection (grpc-js's peer is "address:port"). */
export const peerAddress = (call: { getPeer(): string }): string => call.getPeer().replace(/:\d+$/, '');
