// A task's staging area: writes are kept in memory, invisible to other callers, and go to
// the store in one transaction on commit. Several writes to one key keep only the last.
import { failedPrecondition } from '../base/errors.ts';
import type { CommittedWrite, Staging, StagedWriteOptions } from './types.ts';

export interface StagedWrite {
  namespace: string;
  key: string;
  /** null: a deletion. */
  value: Uint8Array | null;
  opts: StagedWriteOptions;
}

/** What a staging area needs from its store. */
export interface StagingBackend {
  /** Throws INVALID_ARGUMENT for a bad name or an oversized value. */
  check(ns: string, key: string, value?: Uint8Array): void;
  latest(ns: string, key: string): Uint8Array | undefined;
  commitStaged(taskId: string, author: string, writes: StagedWrite[]): CommittedWrite[];
}

const slot = (ns: string, key: string) => `${ns}\u0000${key}`;

export class TaskStaging implements Staging {
  private readonly staged = new Map<string, StagedWrite>();
  private closed: 'committed' | 'discarded' | undefined;

  constructor(
    private readonly backend: StagingBackend,
    readonly taskId: string,
    private readonly author: string,
  ) {}

  read(ns: string, key: string): Uint8Array | undefined {
    this.open();
    this.backend.check(ns, key);
    const own = this.staged.get(slot(ns, key));
    if (own) return own.value ?? undefined;
    return this.backend.latest(ns, key);
  }

  write(ns: string, key: string, value: Uint8Array, opts: StagedWriteOptions = {}): void {
    this.open();
    this.backend.check(ns, key, value);
    this.stage({ namespace: ns, key, value: Uint8Array.from(value), opts });
  }

  delete(ns: string, key: string): void {
    this.open();
    this.backend.check(ns, key);
    this.stage({ namespace: ns, key, value: null, opts: {} });
  }

  writes(): { namespace: string; key: string }[] {
    return [...this.staged.values()].map(({ namespace, key }) => ({ namespace, key }));
  }

  commit(): CommittedWrite[] {
    this.open();
    // Nothing staged: no transaction (most tasks write nothing).
    const committed = this.staged.size ? this.backend.commitStaged(this.taskId, this.author, [...this.staged.values()]) : [];
    this.closed = 'committed';
    this.staged.clear();
    return committed;
  }

  discard(): void {
    if (this.closed === 'committed') throw failedPrecondition(`task ${this.taskId}'s staging was already committed; it cannot be discarded`);
    this.closed = 'discarded';
    this.staged.clear();
  }

  private stage(w: StagedWrite): void {
    // A key keeps its first-write position in writes(); its latest value wins.
    this.staged.set(slot(w.namespace, w.key), w);
  }

  private open(): void {
    if (this.closed) throw failedPrecondition(`task ${this.taskId}'s staging was already ${this.closed}`);
  }
}
