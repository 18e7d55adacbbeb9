export declare const BACKGROUND_CHECKPOINT_PRAGMAS: string[];
export declare function reportCommit(state: Int32Array): void;
