// What a connection that commits and its checkpointer thread (checkpointer.ts) share, in
// plain JavaScript so that the audit writer thread can use it without a TypeScript loader.

/** Pragmas for the committing connection: it checkpoints only if the thread falls far behind (about 200 MB of log). */
export const BACKGROUND_CHECKPOINT_PRAGMAS = ['wal_autocheckpoint = 50000', 'journal_size_limit = 67108864'];

/** Reports a commit to the checkpointer thread through its shared state: the log has grown. */
export function reportCommit(state) {
  Atomics.store(state, 0, (Atomics.load(state, 0) + 1) & 0x3fffffff);
  Atomics.notify(state, 0);
}
