// The rules for namespaces, keys and values, shared by the store (which enforces them for
// every caller, drivers included) and the syscall schemas (which name the field).
import { invalidArgument } from '../base/errors.ts';

export const NAMESPACE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const KEY = /^[A-Za-z0-9_./:-]{1,256}$/;

export const NAMESPACE_RULE = 'a namespace is 1-64 of [a-z0-9_.-], starting with a letter or digit';
export const KEY_RULE = 'a key is 1-256 bytes of [A-Za-z0-9_./:-]';

export function checkNamespace(ns: string, what = 'namespace'): void {
  if (!NAMESPACE.test(ns)) throw invalidArgument(`${what} ${JSON.stringify(ns)} is not valid: ${NAMESPACE_RULE}`);
}

export function checkKey(key: string): void {
  if (!KEY.test(key)) throw invalidArgument(`key ${JSON.stringify(key.length > 80 ? key.slice(0, 80) + '...' : key)} is not valid: ${KEY_RULE}`);
}

export function checkValue(ns: string, key: string, value: Uint8Array, maxValueBytes: number): void {
  if (value.byteLength > maxValueBytes) {
    throw invalidArgument(`the value for ${ns}/${key} is ${value.byteLength} bytes, over the limit of ${maxValueBytes} bytes (config context.maxValueBytes)`);
  }
}
