// Types for threads.mjs (plain JavaScript, shared with the kernel's worker threads).
import type { TransferListItem, Worker } from 'node:worker_threads';

export declare function lowerPriority(nice: number): void;
export declare function threadExecArgv(): string[];
export declare function workerExecArgv(): string[];
export declare function startThread(url: URL, options?: { nice?: number; workerData?: Record<string, unknown>; transferList?: TransferListItem[] }): Worker;
export declare function idleHelperThreads(): Promise<number>;
