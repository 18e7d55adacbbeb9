export declare const SOURCES: string[];
export declare const OUT: string;
export declare const STAMP: string;
export declare function compiledIsFresh(root: string): boolean;
