// camos as a library: embed the kernel and call syscalls as functions.
export { createKernel, Kernel, VERSION } from './kernel.ts';
export type { KernelOptions, InProcessCallOptions } from './kernel.ts';
export type { AuditEntry, Component, ComponentHealth, HealthReport, Principal } from './contract/index.ts';
export { serve, type Doors } from './doors/index.ts';
export { Code, SyscallError, codeName, type ErrorCode } from './base/errors.ts';
export { table } from './syscalls/table.ts';
// Driver toolchain: build, sign and trust drivers (see docs/drivers.md).
export { buildDriver, inspectComponent } from './toolchain/build.ts';
export { verifyManifest } from './drivers/manifest.ts';
export { signManifest } from './toolchain/sign.ts';
export { ensureLocalPublisher, readKeyPair, writeKeyPair } from './toolchain/keys.ts';
export { TrustStore } from './drivers/trust.ts';
export type { CallContext, SyscallDef, SyscallRow } from './syscalls/types.ts';
