// Types for worker-state.mjs (plain JavaScript, shared with the driver workers).
export const CALL: number;
export const PHASE: number;
export const RETIRING: number;
export const FLAG: number;
export const STARTED: number;
export const ENDED: number;
export const MEMORY: number;
export const RUNNING: number;
export const DONE: number;
export const STATE_BYTES: number;
export function stateViews(shared: SharedArrayBuffer): { ints: Int32Array; clock: Float64Array };
export function now(): number;
