// Revocation reaches loaded drivers. Whenever the trust store changes (through the kernel,
// or `camos trust revoke|remove` rewriting trust.json under a running kernel), every loaded
// driver whose publisher key is now revoked or gone is withdrawn at once, with an audit
// record each: its calls in flight finish, new calls get PERMISSION_DENIED naming the key.
import type { Logger } from '../telemetry/log.ts';
import type { DriverInfo, DriverRuntime } from './runtime.ts';

/** Keeps the runtime's drivers within the trust store from now on; returns the function that stops. */
export function enforceTrust(runtime: DriverRuntime, log: Logger): () => void {
  return runtime.trust.watch(
    () => withdrawUntrusted(runtime),
    (e) => log.error({ err: e.message, trustStore: runtime.trust.path }, 'the trust store changed but cannot be read; loaded drivers are kept until it can'),
  );
}

/** Withdraws every loaded driver whose publisher key is revoked or not in the trust store. */
export function withdrawUntrusted(runtime: DriverRuntime): DriverInfo[] {
  const withdrawn: DriverInfo[] = [];
  for (const d of runtime.list()) {
    const key = runtime.trust.get(d.publisher);
    if (key && !key.revoked) continue;
    const ref = `${d.name}@${d.version}`;
    const why = key
      ? `driver '${ref}' was unloaded: its publisher key ${d.publisher}${key.name ? ` (${key.name})` : ''} was revoked${key.revokedAt ? ` at ${new Date(key.revokedAt).toISOString()}` : ''}`
      : `driver '${ref}' was unloaded: its publisher key ${d.publisher} was removed from the trust store`;
    if (!runtime.withdraw(ref, why)) continue;
    runtime.event('driver.unloaded', d, 'ok', why, { publisher: d.publisher, reason: key ? 'publisher key revoked' : 'publisher key removed' });
    withdrawn.push(d);
  }
  return withdrawn;
}
