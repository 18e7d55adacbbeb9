// Types for abi.mjs (plain JavaScript, shared with the driver worker threads).
export declare const WIT_WORLD: 'camos:driver/driver@0.1.0';
export declare const HOST_MODULE: 'camos:driver/host@0.1.0';
export declare const CAPABILITIES: readonly ['log', 'context-read', 'context-write', 'emit-metric', 'now-ms'];
export declare function namespaceGranted(patterns: readonly string[], namespace: string): boolean;
