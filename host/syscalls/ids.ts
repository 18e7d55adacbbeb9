// Ids made on hot paths. Request ids: a random boot prefix and a counter, cheap and
// unique per kernel. Trace, span, task and decision ids: random hex from a pool of random
// bytes refilled 4 KiB at a time (one randomBytes call per id costs more than the rest of
// a cheap syscall).
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
