// The host functions of the camos:driver world, lowered by the canonical ABI (memory32).
// AssemblyScript keeps only the declarations a driver calls, so a module imports exactly
// the capabilities it uses and its manifest can grant exactly those.

// @ts-ignore: decorator
@external("camos:driver/host@0.1.0", "log")
export declare function hostLog(level: i32, ptr: usize, len: usize): void;

// Writes option<list<u8>> at retPtr: u8 discriminant at +0, ptr at +4, len at +8.
// @ts-ignore: decorator
@external("camos:driver/host@0.1.0", "context-read")
export declare function hostContextRead(nsPtr: usize, nsLen: usize, keyPtr: usize, keyLen: usize, retPtr: usize): void;

// @ts-ignore: decorator
@external("camos:driver/host@0.1.0", "context-write")
export declare function hostContextWrite(nsPtr: usize, nsLen: usize, keyPtr: usize, keyLen: usize, valuePtr: usize, valueLen: usize): void;

// @ts-ignore: decorator
@external("camos:driver/host@0.1.0", "emit-metric")
export declare function hostEmitMetric(namePtr: usize, nameLen: usize, value: f64): void;

// @ts-ignore: decorator
@external("camos:driver/host@0.1.0", "now-ms")
export declare function hostNowMs(): u64;
