export declare const GENESIS: string;
export declare function chainBytes(prevHash: string, fields: readonly unknown[]): string;
export declare function chainHash(prevHash: string, fields: readonly unknown[]): string;
/** Records to chain and insert: rows are [seq, ...hashed fields]; checkpointAt lists seqs whose hash a checkpoint needs. */
export interface ChainBatch { sql: string; rows: unknown[][]; checkpointAt: number[] }
export declare function appendBatch(
  prepare: (sql: string) => { run(params: unknown[]): unknown },
  prevHash: string,
  chain: ChainBatch | undefined,
  ops: [sql: string, rows: unknown[][]][],
): { prev: string; due: [number, string][] };
