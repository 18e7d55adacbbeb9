// Driver manifests: the schema, canonical bytes, and verification of a manifest against its
// module and the trust store (signing is the toolchain's: toolchain/sign.ts). Every failing
// check is reported, not only the first; verdicts are cached by module digest, manifest,
// signature and trust generation.
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { hybridVerify, signatureFromJson, HYBRID_ALGORITHM, type HybridSignature, type HybridSignatureJson } from '../crypto/hybrid.ts';
import type { TrustStore } from './trust.ts';
import { checkGrpcDriver } from './kinds/grpc-check.ts';
import { checkWasiCommand } from './kinds/wasi-check.ts';
import { binaryKind, extractCoreModule, inspectCoreModule, type CoreModuleInfo } from './wasm.ts';
import { CAPABILITIES, WIT_WORLD, checkComponentModule } from './abi.mjs';

/**
 * How a driver runs: 'component' exports camos:driver's `handle` (today's drivers, built
 * with the SDK); 'wasi-command' is any WASI preview 1 program with `_start`; 'grpc' is a
 * process of its own serving cam_os.Driver (kinds/).
 */
export const DRIVER_KINDS = ['component', 'wasi-command', 'grpc'] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];
/** A name a WASI command's environment may hold (POSIX portable). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export type Capability = (typeof CAPABILITIES)[number];

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A namespace, or a prefix ending in '*' ("team/*"), or '*' for every namespace. */
const NAMESPACE_PATTERN = /^(\*|[A-Za-z0-9_.\-/]+\*?)$/;

const unique = <T>(a: T[]) => new Set(a).size === a.length;
const MAX_CONFIG_BYTES = 64 * 1024;

/** What a driver's `init` receives: the manifest's `config` as compact JSON, UTF-8; none without one. */
export const configBytes = (config: unknown): Uint8Array | undefined => (config === undefined ? undefined : new TextEncoder().encode(JSON.stringify(config)));

const LimitsSchema = z
  .object({
    /** Required of WebAssembly kinds (the check of each says so); a grpc driver's process has none of the kernel's. */
    maxMemoryPages: z.number().int().min(1).max(65536).optional(),
    /** The deadline of each call, ms. */
    timeoutMs: z.number().int().min(1).max(600_000),
    maxOutputBytes: z.number().int().min(1).max(64 * 1024 * 1024),
    /** grpc: the largest message either way (the call's input, the driver's answer), bytes. */
    maxMessageBytes: z.number().int().min(1024).max(64 * 1024 * 1024).optional(),
    /** grpc: calls the driver's process has at once; later ones wait for a turn, within their deadline. */
    maxConcurrentCalls: z.number().int().min(1).max(1024).optional(),
  })
  .strict();

const CapabilitiesSchema = z
  .object({
    imports: z.array(z.enum(CAPABILITIES)).refine(unique, 'imports must not repeat').default([]),
    context: z
      .object({
        read: z.array(z.string().regex(NAMESPACE_PATTERN, 'a namespace, a prefix ending in *, or *')).default([]),
        write: z.array(z.string().regex(NAMESPACE_PATTERN, 'a namespace, a prefix ending in *, or *')).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** What a driver's author writes (drivers-as/<name>/manifest.json, manifests/<name>.json). */
export const ManifestTemplateSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter'),
    version: z.string().regex(SEMVER, 'a semantic version such as 1.2.0'),
    description: z.string().max(2000).default(''),
    kind: z.enum(DRIVER_KINDS).default('component'),
    /** A component's world (only camos:driver's); a WASI command has none. */
    world: z.literal(WIT_WORLD).optional(),
    /** wasi-command: the program's arguments after its name (argv[1..]). */
    args: z.array(z.string().max(4096)).max(256).optional(),
    /** wasi-command: its whole environment; nothing of the kernel's own is passed. */
    env: z.record(z.string().regex(ENV_NAME, 'a variable name: letters, digits and _, not starting with a digit'), z.string().max(4096)).optional(),
    /**
     * wasi-command: a directory of its own (<data-dir>/driver-files/<name>/) at `path`, which
     * @wasmer/sdk allows only inside /workspace; read-only (what a call writes there is
     * dropped) or read-write (kept, up to maxBytes in all).
     */
    fs: z
      .object({
        path: z.string().regex(/^\/workspace(\/[A-Za-z0-9_.-]+)*$/, "'/workspace' or a path under it").refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), "no '.' or '..'"),
        mode: z.enum(['read-only', 'read-write']),
        maxBytes: z.number().int().min(0).max(2 ** 30).default(16 * 2 ** 20),
      })
      .strict()
      .optional(),
    /** wasi-command: the variables a call may set (sys_driver_invoke's env); a call sets no other. */
    callEnv: z.array(z.string().regex(ENV_NAME, 'a variable name: letters, digits and _, not starting with a digit')).max(64).refine(unique, 'callEnv must not repeat').optional(),
    capabilities: CapabilitiesSchema,
    limits: LimitsSchema,
    /**
     * Configuration for the driver: any JSON value, handed to its `init` as the UTF-8 bytes
     * of its compact JSON text before each call's `handle` (configBytes). Signed with the rest.
     */
    config: z
      .json()
      .refine((v) => configBytes(v)!.length <= MAX_CONFIG_BYTES, `at most ${MAX_CONFIG_BYTES} bytes of JSON`)
      .optional(),
    /** The component file, relative to the manifest's directory. */
    module: z.string().min(1).optional(),
    /**
     * grpc: the program the kernel starts and supervises; `digest` is that of the file at
     * `path` (an executable, or a script with its #! line), relative to the manifest's
     * directory (or the drivers directory, for a manifest sent as bytes). Its environment
     * is `env` here, PATH, and CAMOS_DRIVER_SOCKET (where it must serve cam_os.Driver).
     */
    command: z
      .object({
        path: z.string().min(1).max(4096),
        args: z.array(z.string().max(4096)).max(256).default([]),
        env: z.record(z.string().regex(ENV_NAME, 'a variable name: letters, digits and _, not starting with a digit'), z.string().max(4096)).default({}),
      })
      .strict()
      .optional(),
    /** grpc: instead of a command, a process already running: "unix:/path" or a loopback "127.0.0.1:port" / "[::1]:port" / "localhost:port". */
    address: z
      .string()
      .regex(/^(unix:\/[^\0]{1,4000}|(127\.0\.0\.1|localhost|\[::1\]):\d{1,5})$/, 'unix:/<socket path>, or 127.0.0.1:<port>, localhost:<port> or [::1]:<port> (loopback only)')
      .optional(),
  })
  .strict();

const SignatureJsonSchema = z
  .object({
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    algorithm: z.literal(HYBRID_ALGORITHM),
    mldsa: z.base64(),
    ed25519: z.base64(),
  })
  .strict();

/** A complete manifest: the template plus the publisher, the digest and (once signed) the signature. */
export const ManifestSchema = ManifestTemplateSchema.extend({
  publisher: z.string().regex(/^[0-9a-f]{16}$/, 'a publisher key id (16 hex characters)'),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "'sha256:' and 64 hex characters"),
  signature: SignatureJsonSchema.optional(),
}).strict();

export type ManifestTemplate = z.infer<typeof ManifestTemplateSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

export const sha256Digest = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Where a manifest's component (or grpc program) lives: its `module` field (its `command.path`), or <name>.component.wasm, below the manifest's folder. */
export const modulePathOf = (manifestPath: string, m: { name: string; module?: string; command?: { path?: unknown } }) =>
  join(dirname(manifestPath), m.module ?? (typeof m.command?.path === 'string' ? m.command.path : `${m.name}.component.wasm`));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The bytes a signature covers: sorted-key compact JSON of the manifest without `signature`. */
export function canonicalBytes(manifest: Record<string, unknown>): Uint8Array {
  const { signature: _signature, ...rest } = manifest;
  return new TextEncoder().encode(JSON.stringify(sortKeys(rest)));
}

export interface VerifyInput {
  /** The manifest JSON (bytes or text) or an already parsed object. */
  manifest: Uint8Array | string | Record<string, unknown>;
  /** A detached signature (JSON bytes or object); otherwise the manifest's own `signature`. */
  signature?: Uint8Array | HybridSignatureJson;
  /** The component (or core module) the manifest describes. */
  module: Uint8Array;
  trust: TrustStore;
}

export interface ManifestVerdict {
  valid: boolean;
  /** Every failed check, as a sentence naming the driver. */
  reasons: string[];
  /** sha256:<hex> of the module bytes given. */
  digest: string;
  /** The publisher key id the manifest names ('' when unreadable). */
  issuer: string;
  /** The parsed manifest when it passed the schema. */
  manifest?: Manifest;
  /** The driver's core module (extracted from the component) when it could be read. */
  core?: Uint8Array;
  cached: boolean;
}

const VERDICT_CACHE_SIZE = 256;
const verdicts = new Map<string, Omit<ManifestVerdict, 'cached' | 'core'>>();

/** Checks a manifest and its module; lists every reason it is refused. */
export function verifyManifest(input: VerifyInput): ManifestVerdict {
  const digest = sha256Digest(input.module);
  const manifestBytes = manifestBytesOf(input.manifest);
  const signatureBytes = input.signature === undefined ? new Uint8Array(0) : input.signature instanceof Uint8Array ? input.signature : new TextEncoder().encode(JSON.stringify(input.signature));
  const cacheKey = createHash('sha256').update(digest).update('\0').update(manifestBytes).update('\0').update(signatureBytes).update(`\0${input.trust.generation}`).digest('hex');
  const hit = verdicts.get(cacheKey);
  if (hit) return { ...hit, core: hit.manifest?.kind === 'grpc' ? input.module : coreOf(input.module), cached: true };
  const { core, ...verdict } = check(manifestBytes, signatureBytes, input.module, digest, input.trust);
  if (verdicts.size >= VERDICT_CACHE_SIZE) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(cacheKey, verdict);
  return { ...verdict, core, cached: false };
}

function coreOf(module: Uint8Array): Uint8Array | undefined {
  try {
    return extractCoreModule(module);
  } catch {
    return undefined;
  }
}

function manifestBytesOf(m: VerifyInput['manifest']): Uint8Array {
  if (m instanceof Uint8Array) return m;
  return new TextEncoder().encode(typeof m === 'string' ? m : JSON.stringify(m));
}

function check(manifestBytes: Uint8Array, signatureBytes: Uint8Array, module: Uint8Array, digest: string, trust: TrustStore): Omit<ManifestVerdict, 'cached'> {
  const reasons: string[] = [];
  let raw: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) raw = parsed;
    else reasons.push('manifest is not a JSON object');
  } catch (e) {
    reasons.push(`manifest is not valid JSON: ${(e as Error).message}`);
  }
  const label = raw && typeof raw.name === 'string' && typeof raw.version === 'string' ? `driver '${raw.name}@${raw.version}'` : 'driver';
  const issuer = raw && typeof raw.publisher === 'string' ? raw.publisher : '';

  let manifest: Manifest | undefined;
  if (raw) {
    const result = ManifestSchema.safeParse(raw);
    if (result.success) manifest = result.data;
    else for (const issue of result.error.issues) reasons.push(`manifest field '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }

  // Digest: the manifest names the exact bytes it was signed for.
  if (raw && typeof raw.digest === 'string' && raw.digest !== digest) reasons.push(`${label}: module digest ${digest} does not match the manifest's digest ${raw.digest}`);

  // Signature: both halves, by a trusted key that is the manifest's publisher.
  if (raw) reasons.push(...checkSignature(raw, signatureBytes, issuer, label, trust));

  // A grpc driver's artifact is its program: nothing in it to read; its digest is checked above.
  if (manifest?.kind === 'grpc') {
    reasons.push(...checkGrpcDriver(manifest, label));
    return { valid: reasons.length === 0, reasons, digest, issuer, manifest, core: module };
  }

  // Capabilities and memory, read from the core module's sections.
  let core: Uint8Array | undefined;
  let info: CoreModuleInfo | undefined;
  try {
    binaryKind(module);
    core = extractCoreModule(module);
    info = inspectCoreModule(core);
  } catch (e) {
    reasons.push(`${label}: module is not a readable WebAssembly component or module: ${(e as Error).message}`);
  }
  if (manifest) reasons.push(...wasmOnly(manifest, label));
  if (info && manifest) reasons.push(...(manifest.kind === 'wasi-command' ? checkWasiCommand(module, info, manifest, label) : checkComponent(info, manifest, label)));

  return { valid: reasons.length === 0, reasons, digest, issuer, manifest, core };
}

function checkSignature(raw: Record<string, unknown>, signatureBytes: Uint8Array, issuer: string, label: string, trust: TrustStore): string[] {
  let sigJson: unknown = raw.signature;
  if (signatureBytes.length > 0) {
    try {
      sigJson = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(signatureBytes));
    } catch (e) {
      return [`${label}: detached signature is not valid JSON: ${(e as Error).message}`];
    }
  }
  if (sigJson === undefined) return [`${label}: manifest is not signed (no signature in the manifest or the request)`];
  const parsedSig = SignatureJsonSchema.safeParse(sigJson);
  if (!parsedSig.success) return [`${label}: signature is malformed: ${parsedSig.error.issues.map((i) => `'${i.path.join('.')}' ${i.message}`).join('; ')}`];
  const sig: HybridSignature = signatureFromJson(parsedSig.data);
  const reasons: string[] = [];
  if (issuer && sig.keyId !== issuer) reasons.push(`${label}: signature was made by key ${sig.keyId}, not by the manifest's publisher ${issuer}`);
  if (!issuer) return reasons;
  const trusted = trust.get(issuer);
  if (!trusted) {
    reasons.push(`${label}: publisher key ${issuer} is not in the trust store (\`camos trust add <pubkey-file>\`)`);
    return reasons;
  }
  if (trusted.revoked) reasons.push(`${label}: publisher key ${issuer}${trusted.name ? ` (${trusted.name})` : ''} is revoked`);
  const verdict = hybridVerify(trusted.publicKey, canonicalBytes(raw), sig);
  if (!verdict.mldsa) reasons.push(`${label}: ML-DSA-65 signature does not verify with publisher key ${issuer}`);
  if (!verdict.ed25519) reasons.push(`${label}: Ed25519 signature does not verify with publisher key ${issuer}`);
  return reasons;
}

/** A component's manifest fields and its core module against the ABI (abi.mjs). */
function checkComponent(info: CoreModuleInfo, manifest: Manifest, label: string): string[] {
  const reasons: string[] = [];
  for (const field of ['args', 'env', 'callEnv', 'fs'] as const) if (manifest[field] !== undefined) reasons.push(`${label}: '${field}' is a field of wasi-command drivers; this manifest's kind is 'component'`);
  reasons.push(...checkComponentModule(info, manifest.capabilities.imports, manifest.limits.maxMemoryPages ?? 0, label).reasons);
  return reasons;
}

/** What only a grpc driver may name, and what a WebAssembly driver must (its memory limit). */
function wasmOnly(manifest: Manifest, label: string): string[] {
  const reasons: string[] = [];
  for (const field of ['command', 'address'] as const) if (manifest[field] !== undefined) reasons.push(`${label}: '${field}' is a field of grpc drivers; this manifest's kind is '${manifest.kind}'`);
  for (const field of ['maxMessageBytes', 'maxConcurrentCalls'] as const) if (manifest.limits[field] !== undefined) reasons.push(`${label}: 'limits.${field}' is a limit of grpc drivers; this manifest's kind is '${manifest.kind}'`);
  if (manifest.limits.maxMemoryPages === undefined) reasons.push(`${label}: manifest field 'limits.maxMemoryPages' is required of a ${manifest.kind} driver`);
  return reasons;
}
