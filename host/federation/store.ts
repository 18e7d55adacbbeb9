// The context store as the syscalls see it in a federated kernel: every call goes to the
// local store (which stamps and queues each version for publication), except a
// compare-and-set, which the federation decides.
import type { ContextStore, VersionInfo, WriteOptions } from '../context/index.ts';
import { failedPrecondition } from '../base/errors.ts';

type Cas = (ns: string, key: string, value: Uint8Array | null, opts: WriteOptions & { expectedVersion: number }) => Promise<VersionInfo>;

const notFederationWide = (what: string) =>
  failedPrecondition(`${what} with expected_version is not decided federation-wide; use sys_context_write with expected_version (a compare-and-set the federation decides), or leave expected_version out`);

export function federatedContextStore(local: ContextStore, cas: Cas): ContextStore {
  return {
    write(ns, key, value, opts) {
      if (opts.expectedVersion !== undefined) throw notFederationWide('a synchronous write');
      return local.write(ns, key, value, opts);
    },
    writeGrouped(ns, key, value, opts) {
      if (opts.expectedVersion === undefined) return local.writeGrouped(ns, key, value, opts);
      return cas(ns, key, value, { ...opts, expectedVersion: opts.expectedVersion });
    },
    delete(ns, key, opts) {
      if (opts.expectedVersion !== undefined) throw notFederationWide('sys_context_delete');
      return local.delete(ns, key, opts);
    },
    read: (ns, key, opts) => local.read(ns, key, opts),
    versions: (ns, key, opts) => local.versions(ns, key, opts),
    snapshot: (ns, opts) => local.snapshot(ns, opts),
    snapshotInfo: (id) => local.snapshotInfo(id),
    listSnapshots: (ns) => local.listSnapshots(ns),
    restore: (id, opts) => local.restore(id, opts),
    namespaces: () => local.namespaces(),
    keys: (ns, opts) => local.keys(ns, opts),
    begin: (taskId, author) => local.begin(taskId, author),
    prune: () => local.prune(),
    usage: (ns) => local.usage(ns),
    health: () => local.health(),
    close: () => local.close(),
  };
}
