// Files the kernel writes whole (tokens, keys, trust, anchors, built artifacts).
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file through a temporary file beside it, synced, then renamed into place: a
 * reader, another kernel writing the same file, or a crash never sees half of it. The file
 * gets `mode` (default 0600) whatever the umask.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    fchmodSync(fd, mode);
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
