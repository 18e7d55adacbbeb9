// Rollback: a queued task is taken out of its queue, an assigned or running one cancelled
// (a running driver call is aborted and its staged writes discarded), a succeeded one undone
// by compensating writes, in one transaction, unless a later write moved a key it wrote.
import { failedPrecondition } from '../base/errors.ts';
import type { CommittedWrite, ContextStore } from '../context/index.ts';
import type { Queues } from './queues.ts';
import type { Lifecycle, TaskRecord } from './task.ts';

export interface RollbackOptions {
  reason: string;
  force: boolean;
  author: string;
}

export function rollback(r: TaskRecord, opts: RollbackOptions, deps: { queues: Queues; life: Lifecycle; context: () => ContextStore | undefined }): { state: string; keysRestored: string[] } {
  const { life } = deps;
  const why = { reason: opts.reason || undefined, by: opts.author };
  switch (r.state) {
    case 'queued':
      deps.queues.remove(r);
      life.addLoad(r.handler, -1);
      r.error = `removed from the queue${opts.reason ? `: ${opts.reason}` : ''}`;
      life.finish(r, 'cancelled', why);
      return { state: 'removed', keysRestored: [] };
    case 'assigned':
    case 'running':
      r.controller?.abort();
      life.addLoad(r.handler, -1);
      r.error = `cancelled${opts.reason ? `: ${opts.reason}` : ''}`;
      life.finish(r, 'cancelled', why);
      return { state: 'cancelled', keysRestored: [] };
    case 'succeeded': {
      const keys = compensate(r, opts, deps.context());
      life.finish(r, 'rolled_back', { ...why, keysRestored: keys });
      return { state: 'rolled_back', keysRestored: keys };
    }
    default:
      throw failedPrecondition(`task '${r.id}' is ${r.state}; only a queued, running or succeeded task can be rolled back`);
  }
}

/** Every key the task wrote back to its value before the task (deleted where it had none); the keys. */
function compensate(r: TaskRecord, opts: { force: boolean; author: string }, context: ContextStore | undefined): string[] {
  if (!r.writes.length) return [];
  if (!context) throw failedPrecondition(`task '${r.id}' wrote context, but this kernel has no context store to roll it back in`);
  const head = (w: CommittedWrite, beforeVersion?: number) => context.versions(w.namespace, w.key, { limit: 1, beforeVersion }).versions[0];
  const moved = r.writes.filter((w) => head(w)?.version !== w.version);
  if (moved.length && !opts.force) {
    throw failedPrecondition(
      `cannot roll back task '${r.id}': ${moved.map((w) => `'${w.namespace}/${w.key}'`).join(', ')} changed since the task wrote ${moved.length > 1 ? 'them' : 'it'}; pass force to overwrite`,
      { conflicts: moved.map((w) => `${w.namespace}/${w.key}`) },
    );
  }
  // One staging area = one transaction for every compensating write.
  const staging = context.begin(`${r.id}:rollback`, opts.author);
  try {
    for (const w of r.writes) {
      const previous = w.previousVersion ? head(w, w.previousVersion + 1) : undefined;
      if (!previous || previous.deleted) {
        if (!head(w)?.deleted) staging.delete(w.namespace, w.key);
        continue;
      }
      const before = context.read(w.namespace, w.key, { version: w.previousVersion });
      staging.write(w.namespace, w.key, before.value, { metadata: { ...before.metadata, rollbackOf: r.id }, contentType: before.contentType });
    }
    staging.commit();
  } catch (e) {
    staging.discard();
    throw e;
  }
  return r.writes.map((w) => `${w.namespace}/${w.key}`);
}
