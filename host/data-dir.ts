// The data directory: held by one kernel at a time, and private to its owner.
//
// The lock is SQLite's own (better-sqlite3, already the store's engine): an exclusive
// transaction on <data-dir>/kernel.lock is a POSIX fcntl lock, which the operating system
// drops when its process dies, SIGKILL included, so a killed kernel never leaves it stuck
// (a pid file alone would need a liveness guess, and a reused pid fools it). SQLite also
// keeps the lock between connections of one process, so two kernels embedded in one
// program are refused too. <data-dir>/kernel.pid names the holder for the refusal message.
import { chmodSync, closeSync, lstatSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeFileAtomic } from './base/files.ts';

export class DataDirInUse extends Error {}

export interface DataDirLock {
  /** Drops the lock (idempotent); the next kernel may start. */
  release(): void;
}

export function lockDataDir(dir: string): DataDirLock {
  const lockPath = join(dir, 'kernel.lock');
  const pidPath = join(dir, 'kernel.pid');
  closeSync(openSync(lockPath, 'a', 0o600));
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('journal_mode = OFF'); // nothing is written: no journal file
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    const holder = holderOf(pidPath);
    throw new DataDirInUse(
      `data directory ${dir} is in use by another kernel (pid ${holder || 'unknown'}${holder === String(process.pid) ? ', this process' : ''}): stop it first, or give this kernel its own --data-dir`,
    );
  }
  writeFileAtomic(pidPath, `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(pidPath, { force: true });
      db.close();
    },
  };
}

function holderOf(pidPath: string): string {
  try {
    return readFileSync(pidPath, 'utf8').trim();
  } catch {
    return ''; // the holder is starting and has not written it yet
  }
}

/** What tightenModes changed: each path with the mode it had. */
export type Widened = { path: string; mode: number }[];

/**
 * Makes the data directory 0700 and everything in it owner-only (directories 0700, files
 * 0600, SQLite's -wal and -shm files included; symbolic links are left alone, never
 * followed). Returns what was wider than that.
 */
export function tightenModes(dir: string): Widened {
  const widened: Widened = [];
  const walk = (path: string, isDir: boolean) => {
    const mode = lstatSync(path).mode & 0o777;
    const want = isDir ? 0o700 : 0o600;
    if (mode & ~want) {
      chmodSync(path, mode & want);
      widened.push({ path, mode });
    }
    if (!isDir) return;
    for (const e of readdirSync(path, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(path, e.name), true);
      else if (e.isFile()) walk(join(path, e.name), false);
    }
  };
  walk(dir, true);
  return widened;
}
