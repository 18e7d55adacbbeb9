// What the grpc-driver tests share: the fixture driver (test/fixtures/grpc/driver.mjs), a
// publisher key, signed manifests for it, and checks on processes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateHybridKeyPair } from '../../host/crypto/hybrid.ts';
import { sha256Digest } from '../../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../../host/toolchain/sign.ts';

export const FIXTURE = fileURLToPath(new URL('../fixtures/grpc/driver.mjs', import.meta.url));
export const key = generateHybridKeyPair();

/** A signed grpc manifest starting the fixture in `mode` (command.env MODE), with the fields a test changes. */
export function grpcManifest(mode: string, fields: Record<string, unknown> = {}, program = FIXTURE): { manifestData: Buffer; module: Buffer } {
  const bytes = readFileSync(program);
  const template = {
    name: 'fixture',
    version: '0.1.0',
    kind: 'grpc',
    command: { path: program, args: [], env: { MODE: mode, NAME: (fields.name as string) ?? 'fixture', VERSION: (fields.version as string) ?? '0.1.0' } },
    capabilities: { imports: ['log', 'context-read', 'context-write'], context: { read: ['docs', 'docs.*'], write: ['scratch'] } },
    limits: { timeoutMs: 5000, maxOutputBytes: 65536 },
    digest: sha256Digest(bytes),
    ...fields,
  };
  return { manifestData: Buffer.from(manifestText(signManifest(template, key))), module: bytes };
}

/** Whether a process is alive (signal 0 reaches it); a zombie reaped by nobody would count, so it is read from /proc. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Waits until `check` holds (polling), or fails naming `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
