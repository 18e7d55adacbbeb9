// What the machine has left for the kernel: free space on the data directory's disk, file
// descriptors (Linux's /proc) and memory, for the health report. Each is read when asked, so a
// full disk or an exhausted descriptor table shows at the next probe, and its recovery too.
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** Below this much free space the kernel reports itself degraded: SQLite needs room for its logs. */
export const MIN_FREE_BYTES = 1 << 20;

/** Bytes free (for this user) on the disk holding `dir`, or undefined where statfs is not available. */
export function diskFree(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** The soft limit on open files (Linux), read once: reading it later could itself need a descriptor that is not there. */
const limit = (() => {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
})();

/** Descriptors open and the limit (undefined elsewhere than Linux); `exhausted` when not even one more can be opened. */
export function fileDescriptors(): { open: number; limit?: number; exhausted: boolean } | undefined {
  try {
    return { open: readdirSync('/proc/self/fd').length - 1, limit, exhausted: false };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'EMFILE' || code === 'ENFILE' ? { open: limit ?? 0, limit, exhausted: true } : undefined;
  }
}

/** The process's memory; its resident size is read from /proc, which needs a file descriptor that may not be there. */
export function memory(): Record<string, string> {
  try {
    const m = process.memoryUsage();
    return { rss_bytes: String(m.rss), heap_used_bytes: String(m.heapUsed) };
  } catch {
    return { heap_used_bytes: String(getHeapStatistics().used_heap_size) };
  }
}
