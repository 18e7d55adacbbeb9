// What a loaded driver is: shared by the loader, which verifies it, and the runtime, which runs it.
import type { DriverKind, Manifest } from './manifest.ts';

export interface DriverLimits {
  /** 0 for a grpc driver (its process's memory is the system's to bound). */
  memoryPages: number;
  timeoutMs: number;
  maxOutputBytes: number;
  /** grpc: the largest message either way, and calls at once. */
  maxMessageBytes?: number;
  maxConcurrentCalls?: number;
}

/** What loading needs once the manifest has been verified. */
export interface VerifiedDriver {
  kind: DriverKind;
  name: string;
  version: string;
  digest: string;
  publisher: string;
  description: string;
  /** Granted host functions (import names). */
  capabilities: string[];
  reads: string[];
  writes: string[];
  limits: DriverLimits;
  /** The core module (extracted from the component). */
  core: Uint8Array;
  /** Its compilation, when the loader started it while the manifest was being verified. */
  compiled?: Promise<WebAssembly.Module>;
  /** Size of the signed artifact (component), bytes. */
  size: number;
  config?: Uint8Array;
  /** wasi-command: argv[1..] and the whole environment (manifest.ts). */
  args?: string[];
  env?: Record<string, string>;
  /** wasi-command: the variables a call may set. */
  callEnv?: string[];
  /** wasi-command: its directory grant. */
  fs?: Manifest['fs'];
  /** grpc: the program to start, its path absolute (the file the digest is of); or the address of one running. */
  command?: NonNullable<Manifest['command']>;
  address?: string;
  /** Where it came from (a manifest path), for hot loading and the list. */
  origin?: string;
}

export interface DriverInfo {
  kind: DriverKind;
  name: string;
  version: string;
  digest: string;
  publisher: string;
  capabilities: string[];
  description: string;
  loadedAt: number;
  calls: number;
  size: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  limits: DriverLimits;
}
