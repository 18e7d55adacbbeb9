// Ids made on hot paths. Request ids: a random boot prefix and a counter, cheap and
// unique per kernel. Span ids: random hex from a pool of random bytes refilled 4 KiB at a
// time (one randomBytes call per id costs more than the rest of a cheap syscall). Trace,
// task and decision ids: the time, then random hex (see timeOrderedHex).
import { randomBytes } from 'node:crypto';

const bootPrefix = randomBytes(4).toString('hex');
let counter = 0;
export const nextRequestId = () => `${bootPrefix}-${(++counter).toString(36)}`;

let pool = randomBytes(4096);
let poolAt = 0;
/** `bytes` random bytes as hex. */
export function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}

/**
 * `bytes` (more than 6) bytes as hex: the time in ms in the first six, random bytes after
 * (as UUIDv7 does). The audit log indexes trace and task ids: ids that grow with time are
 * added at the end of their index, where random ones land on a random page each, and
 * random pages made each audit write about four times as costly.
 */
export function timeOrderedHex(bytes: number): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastMsHex = now.toString(16).padStart(12, '0');
  }
  return lastMsHex + randomHex(bytes - 6);
}
let lastMs = 0;
let lastMsHex = '';
