// Binary protobuf decoding that never throws into grpc-js (which would answer INTERNAL):
// a malformed message becomes a value the door answers with INVALID_ARGUMENT, naming the
// field where decoding broke. protobufjs itself is lenient (it reads a truncated string
// as a short one, and invalid UTF-8 as U+FFFD), so the wire format is walked first, strictly.
import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';
import { messageType } from './proto.ts';

export class MalformedMessage {
  constructor(readonly message: string) {}
}

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number, enums: String, bytes: Buffer as never, defaults: true, arrays: true, objects: true, oneofs: true,
};

export function decodeOrExplain(typeName: string, buf: Buffer): unknown {
  const type = messageType(typeName);
  const problem = check(type, buf, 0);
  if (problem) return new MalformedMessage(`malformed protobuf ${typeName}: ${problem}`);
  try {
    return type.toObject(type.decode(buf), TO_OBJECT);
  } catch (err) {
    return new MalformedMessage(`malformed protobuf ${typeName}: ${(err as Error).message}`);
  }
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** How an error names a field: built only when there is something to report, not for every field read. */
const nameOf = (field: protobuf.Field | undefined, id: number) => (field ? `field '${snake(field.name)}' (#${id})` : `unknown field #${id}`);

/** Walks the wire format; returns what is wrong and where, or undefined. */
function check(type: protobuf.Type, buf: Uint8Array, depth: number): string | undefined {
  if (depth > 32) return 'messages nested too deeply';
  const reader = protobuf.Reader.create(buf);
  while (reader.pos < reader.len) {
    const at = reader.pos;
    let tag: number;
    try {
      tag = reader.uint32();
    } catch {
      return `truncated field tag at byte ${at}`;
    }
    const id = tag >>> 3;
    const wire = tag & 7;
    const field = type.fieldsById[id];
    if (id === 0 || wire === 3 || wire === 4 || wire > 5) return `invalid tag for ${nameOf(field, id)} at byte ${at}`;
    const start = reader.pos;
    try {
      if (wire === 2) {
        const len = reader.uint32();
        if (reader.pos + len > reader.len) return `${nameOf(field, id)} is truncated (declares ${len} bytes at byte ${start}, ${reader.len - reader.pos} remain)`;
        const body = buf.subarray(reader.pos, reader.pos + len);
        reader.pos += len;
        const inner = field?.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
        if (field?.map) {
          const bad = mapEntryProblem(field as unknown as protobuf.MapField, body);
          if (bad) return `${nameOf(field, id)}: ${bad}`;
        } else if (inner) {
          const deeper = check(inner, body, depth + 1);
          if (deeper) return `${nameOf(field, id)}: ${deeper}`;
        } else if (field?.type === 'string' && !isUtf8(body)) return `${nameOf(field, id)} is not valid UTF-8 (at byte ${start})`;
      } else reader.skipType(wire);
    } catch {
      return `${nameOf(field, id)} is truncated (starts at byte ${start}, message is ${buf.length} bytes)`;
    }
  }
  return undefined;
}

/** A map entry's string key or value that is not UTF-8 (entries are key #1, value #2; a message value is checked by its decoding). */
function mapEntryProblem(field: protobuf.MapField, entry: Uint8Array): string | undefined {
  const reader = protobuf.Reader.create(entry);
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const id = tag >>> 3;
      if ((tag & 7) !== 2) {
        reader.skipType(tag & 7);
        continue;
      }
      const bytes = reader.bytes();
      const type = id === 1 ? field.keyType : id === 2 ? field.type : undefined;
      if (type === 'string' && !isUtf8(bytes)) return `a ${id === 1 ? 'key' : 'value'} is not valid UTF-8`;
    }
  } catch {
    return 'an entry is truncated';
  }
  return undefined;
}
