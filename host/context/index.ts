// Versioned context memory (types.ts): the interface, and the SQLite store behind it.
export type * from './types.ts';
export { openSqliteContextStore as openContextStore } from './sqlite.ts';
