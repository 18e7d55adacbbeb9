// Driver rows: thin handlers over the driver runtime (host/drivers).
import { z } from 'zod';
import { parseRef } from '../drivers/index.ts';
import { verifyManifest as checkManifest } from '../drivers/manifest.ts';
import { TrustStore } from '../drivers/trust.ts';
import type { SyscallDef } from './types.ts';


const bytes = z.instanceof(Uint8Array);
const DRIVER_NAME = /^[a-z][a-z0-9-]{0,62}(@[0-9A-Za-z.+-]+)?$/;

export const verifyManifest: SyscallDef<{ manifestData: Uint8Array; signature: Uint8Array; module: Uint8Array }> = {
  schema: z.object({
    manifestData: bytes.refine((b) => b.length > 0, 'manifest_data is required (the manifest JSON)'),
    signature: bytes,
    module: bytes.refine((b) => b.length > 0, 'module is required (the component or core module the manifest describes)'),
  }),
  action: 'verify_manifest',
  readOnly: () => true,
  resource: (req) => ({ type: 'Driver', id: loadTarget({ manifestPath: '', manifestData: req.manifestData }) }),
  handle: (req, call) => {
    const trust = call.services.drivers?.trust ?? new TrustStore(call.services.dataDir);
    const verdict = checkManifest({ manifest: req.manifestData, signature: req.signature.length ? req.signature : undefined, module: req.module, trust });
    Object.assign(call.evidence, { verdict: verdict.valid ? 'valid' : 'invalid', digest: verdict.digest, issuer: verdict.issuer, reasons: verdict.reasons, verdictCached: verdict.cached });
    return { valid: verdict.valid, issuer: verdict.issuer, reasons: verdict.reasons, digest: verdict.digest };
  },
};

/** A grpc driver reached at an address has no artifact to send. */
function atAddress(manifestData: Uint8Array): boolean {
  try {
    const m = JSON.parse(new TextDecoder().decode(manifestData));
    return typeof m?.address === 'string' && m.command === undefined;
  } catch {
    return false;
  }
}

/** The driver a load names, for the policy resource: read from the manifest bytes when given. */
function loadTarget(req: { manifestPath: string; manifestData: Uint8Array }): string {
  if (req.manifestData.length) {
    try {
      const m = JSON.parse(new TextDecoder().decode(req.manifestData));
      if (typeof m?.name === 'string') return m.name;
    } catch {
      // refused by the handler with the parse error
    }
  }
  return req.manifestPath || '*';
}

export const driverLoad: SyscallDef<{ manifestPath: string; manifestData: Uint8Array; module: Uint8Array }> = {
  schema: z
    .object({ manifestPath: z.string().max(4096).default(''), manifestData: bytes, module: bytes })
    .refine((r) => (r.manifestPath !== '') !== (r.manifestData.length > 0), { message: 'give either manifest_path (a file on the kernel\'s machine) or manifest_data with module' })
    .refine((r) => r.manifestPath !== '' || r.module.length > 0 || atAddress(r.manifestData), { message: "manifest_data needs module (the component bytes, or a grpc driver's program)", path: ['module'] }),
  action: 'driver_load',
  resource: (req) => ({ type: 'Driver', id: loadTarget(req) }),
  handle: async (req, call) => {
    const source = req.manifestPath ? { manifestPath: req.manifestPath } : { manifest: req.manifestData, module: req.module };
    const { driver, verdict } = await call.services.drivers.load(source, { origin: req.manifestPath || `syscall:${call.caller.id}`, share: true });
    Object.assign(call.evidence, { driver: `${driver.name}@${driver.version}`, digest: driver.digest, publisher: driver.publisher, verdict: 'loaded', verdictCached: verdict.cached });
    return { driver };
  },
};

export const driverUnload: SyscallDef<{ name: string; version: string }> = {
  schema: z.object({
    name: z.string().regex(DRIVER_NAME, 'a driver name, or name@version'),
    version: z.string().max(128).default(''),
  }),
  action: 'driver_unload',
  resource: (req) => ({ type: 'Driver', id: parseRef(req.name).name }),
  handle: async (req, call) => {
    const ref = parseRef(req.name);
    const unloaded = await call.services.drivers.unload(ref.name, req.version || ref.version, { share: true });
    call.evidence.unloaded = unloaded.map((d) => `${d.name}@${d.version}`);
    return { name: ref.name, version: unloaded.map((d) => d.version).join(',') };
  },
};

export const driverList: SyscallDef<Record<string, never>> = {
  schema: z.object({}),
  action: 'driver_list',
  readOnly: () => true,
  resource: () => ({ type: 'Driver', id: '*' }),
  handle: (_req, call) => ({ drivers: call.services.drivers.list() }),
};

export const driverInvoke: SyscallDef<{ name: string; input: Uint8Array; version: string; timeoutMs: number; env: Record<string, string> }> = {
  schema: z.object({
    name: z.string().regex(DRIVER_NAME, 'a driver name, or name@version'),
    input: bytes,
    version: z.string().max(128).default(''),
    timeoutMs: z.number().int().min(0, 'timeout_ms must be 0 (the manifest\'s limit) or positive').default(0),
    env: z.record(z.string().max(128), z.string().max(4096)).default({}),
  }),
  action: 'driver_invoke',
  resource: (req) => ({ type: 'Driver', id: parseRef(req.name).name }),
  handle: async (req, call) => {
    const ref = req.version ? `${parseRef(req.name).name}@${req.version}` : req.name;
    const left = call.deadline ? Math.max(1, call.deadline - Date.now()) : 0;
    const timeoutMs = req.timeoutMs && left ? Math.min(req.timeoutMs, left) : req.timeoutMs || left;
    call.evidence.driver = ref;
    // Names only: a value may be a secret the caller hands its driver.
    if (Object.keys(req.env).length) call.evidence.env = Object.keys(req.env);
    // The call's own span is the parent of what a grpc driver does.
    const traceparent = `00-${call.traceId}-${call.spanId}-01`;
    const result = await call.services.drivers.invoke(ref, req.input, { timeoutMs, caller: call.caller.id, taskId: call.taskId, env: req.env, traceparent });
    Object.assign(call.evidence, { driver: result.driver, durationMs: result.durationMs, queuedMs: result.queuedMs, inputBytes: req.input.length, outputBytes: result.output.length });
    return result;
  },
};
