// What a driver worker shares with the main thread, one SharedArrayBuffer per worker, made by
// the worker (worker.mjs) and read by the pool (pool.ts): which call the worker has taken and
// how far it got, when that call began and ended, the memory the worker holds, whether it
// retires, and the context-read bridge's wake-up flag.

/** Int32 fields. */
export const CALL = 0;
export const PHASE = 1;
export const RETIRING = 2;
export const FLAG = 3;
/** Float64 fields (ms, performance.timeOrigin + now(); bytes). */
export const STARTED = 0;
export const ENDED = 1;
export const MEMORY = 2;
/** Values of PHASE. */
export const RUNNING = 1;
export const DONE = 2;

export const STATE_BYTES = 16 + 8 * 3;

export function stateViews(shared) {
  return { ints: new Int32Array(shared, 0, 4), clock: new Float64Array(shared, 16, 3) };
}

/** Now as every thread of the process reads it: ms since the epoch, with a fraction. */
export const now = () => performance.timeOrigin + performance.now();
