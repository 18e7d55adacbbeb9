// Types for threads.mjs (plain JavaScript, shared with the kernel's worker threads).
export declare function lowerPriority(nice: number): void;
export declare function threadExecArgv(): string[];
