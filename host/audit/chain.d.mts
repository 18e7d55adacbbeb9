export declare const GENESIS: string;
export declare function chainBytes(prevHash: string, fields: readonly unknown[]): string;
export declare function chainHash(prevHash: string, fields: readonly unknown[]): string;
