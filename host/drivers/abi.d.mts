// Types for abi.mjs (plain JavaScript, shared with the driver worker threads).
import type { CoreModuleInfo, MemoryLimits } from './wasm.ts';

export declare const WIT_WORLD: 'camos:driver/driver@0.1.0';
export declare const HOST_MODULE: 'camos:driver/host@0.1.0';
export declare const CAPABILITIES: readonly ['log', 'context-read', 'context-write', 'emit-metric', 'now-ms'];
export declare const HOST_MEMORY: { readonly module: 'env'; readonly name: 'memory' };
export declare const REQUIRED_EXPORTS: readonly (readonly [name: string, kind: 'func'])[];
export declare function pagesText(pages: number): string;
export declare function memoriesOf(info: CoreModuleInfo): (MemoryLimits & { imported: boolean })[];
export declare function hostImports(info: CoreModuleInfo): string[];
/** The memory the host creates for a module that imports env.memory (WebAssembly.Memory's descriptor). */
export interface HostMemory {
  initial: number;
  maximum: number;
}
export declare function checkComponentModule(info: CoreModuleInfo, granted: readonly string[], maxPages: number, label: string): { reasons: string[]; importedMemory?: HostMemory };
export declare function namespaceGranted(patterns: readonly string[], namespace: string): boolean;
