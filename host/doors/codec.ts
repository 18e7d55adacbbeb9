// JSON and plain-object decoding for the HTTP and in-process doors: proto3 JSON mapping
// (lowerCamelCase or the proto's snake_case names, bytes as base64), with unknown fields
// and wrong types refused by name instead of silently dropped or coerced.
import type protobuf from 'protobufjs';
import { invalidArgument, quoted } from '../syscalls/errors.ts';
import { messageType } from './proto.ts';

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: Buffer as never, defaults: true, arrays: true, objects: true, oneofs: true };
const TO_JSON: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: String, defaults: true, arrays: true, objects: true, oneofs: false };

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const INTEGER = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** Turns a JSON-ish value into the decoded shape the pipeline expects, or throws INVALID_ARGUMENT. */
export function fromPlain(typeName: string, value: unknown): Record<string, unknown> {
  const type = messageType(typeName);
  const checked = check(type, value ?? {}, '');
  return type.toObject(type.fromObject(checked), TO_OBJECT);
}

/** Turns a handler's answer into proto3 JSON (bytes as base64, defaults included). */
export function toJson(typeName: string, value: unknown): Record<string, unknown> {
  const type = messageType(typeName);
  return type.toObject(type.fromObject((value ?? {}) as Record<string, unknown>), TO_JSON);
}

/** Encodes/decodes a message (for tests and tools that speak binary protobuf). */
export const encode = (typeName: string, value: unknown): Uint8Array => {
  const type = messageType(typeName);
  return type.encode(type.fromObject(value as Record<string, unknown>)).finish();
};

/**
 * A string that is valid Unicode, or INVALID_ARGUMENT: a lone surrogate (JSON's "\ud800")
 * has no UTF-8 form, and would be stored altered (SQLite writes U+FFFD in its place).
 */
function wellFormed(v: string, where: string): string {
  if (v.isWellFormed()) return v;
  throw invalidArgument(`field '${quoted(where.toWellFormed())}' is not valid Unicode: it holds a lone surrogate (a \\uD800-\\uDFFF escape without its pair)`);
}

function check(type: protobuf.Type, value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw invalidArgument(`${path ? `field '${quoted(path)}'` : 'the request body'} must be a JSON object (message ${type.name})`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = type.fields[key] ?? type.fields[camel(key)];
    const where = path ? `${path}.${key}` : key;
    if (!field) throw invalidArgument(`unknown field '${quoted(where)}' in ${type.name}; its fields are ${Object.keys(type.fields).join(', ')}`);
    if (v === null || v === undefined) continue;
    out[field.name] = checkField(field, v, where);
  }
  return out;
}

function checkField(field: protobuf.Field, v: unknown, where: string): unknown {
  if (field.map) {
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidArgument(`field '${quoted(where)}' must be an object (a map)`);
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) out[wellFormed(k, `${where} (a key)`)] = checkScalarOrMessage(field, item, `${where}.${k}`);
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(v)) throw invalidArgument(`field '${quoted(where)}' must be an array`);
    return v.map((item, i) => checkScalarOrMessage(field, item, `${where}[${i}]`));
  }
  return checkScalarOrMessage(field, v, where);
}

function checkScalarOrMessage(field: protobuf.Field, v: unknown, where: string): unknown {
  const t = field.type;
  if (field.resolvedType && 'fields' in field.resolvedType) return check(field.resolvedType as protobuf.Type, v, where);
  if (field.resolvedType) return v; // enum: protobufjs accepts names and numbers
  if (t === 'string') {
    if (typeof v !== 'string') throw invalidArgument(`field '${quoted(where)}' must be a string`);
    return wellFormed(v, where);
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') throw invalidArgument(`field '${quoted(where)}' must be true or false`);
    return v;
  }
  if (t === 'bytes') {
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v;
    if (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return Buffer.from(v, 'base64');
    throw invalidArgument(`field '${quoted(where)}' must be bytes (base64 in JSON)`);
  }
  if (t === 'double' || t === 'float') {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || Number.isNaN(n)) throw invalidArgument(`field '${quoted(where)}' must be a number`);
    return n;
  }
  if (INTEGER.has(t)) {
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw invalidArgument(`field '${quoted(where)}' must be an integer`);
    if (t.startsWith('u') && n < 0) throw invalidArgument(`field '${quoted(where)}' must not be negative`);
    return n;
  }
  return v;
}
