// Helpers for the kernel's own worker threads (plain JavaScript, so that a thread needs no
// TypeScript loader to import them).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority to `nice` (0–19). On Linux a thread has its own
 * nice value, set through its thread id; elsewhere the call would change the whole
 * process, so it is not made. Never the main thread.
 */
export function lowerPriority(nice) {
  if (!(nice > 0) || process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (tid > 0 && tid !== process.pid) setPriority(tid, nice);
  } catch {
    // no /proc, or not permitted: the thread runs at the kernel's priority
  }
}
