// Versioned context memory (types.ts): the interface, and the SQLite store behind it.
export type * from './types.ts';
export { openSqliteContextStore as openContextStore, openSqliteReplica as openReplicatedContextStore } from './sqlite.ts';
export { versionId, type Applied, type ContextReplica, type OutboxEntry, type ReplicaHooks, type ReplicatedSnapshot, type ReplicatedVersion } from './replica.ts';
