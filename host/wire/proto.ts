// The cam_os proto, loaded once: proto-loader's definition for grpc-js and reflection,
// and a protobufjs root for the JSON and in-process doors. Both use the same options,
// so every door hands the pipeline the same shape: camelCase fields, bytes as Buffer,
// 64-bit integers as numbers, defaults filled in.
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { fromRoot } from '../base/root.ts';

export const PROTO_PATH = fromRoot('proto', 'cam_os.proto');

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  arrays: true,
  objects: true,
};

export const packageDefinition = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);
export const root = protobuf.loadSync(PROTO_PATH);
root.resolveAll();

const types = new Map<string, protobuf.Type>();
export function messageType(name: string): protobuf.Type {
  let t = types.get(name);
  if (!t) {
    t = root.lookupType(`cam_os.${name}`);
    types.set(name, t);
  }
  return t;
}
