// The signed driver the benchmarks hot-load: the echo fixture (bench/drivers/echo.as.ts,
// memory imported as the SDK builds drivers), made about 100 KiB larger with a fresh digest
// per round, and its manifest signed by a publisher key.
import type { HybridKeyPair } from '../host/crypto/hybrid.ts';
import { sha256Digest } from '../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { buildFixture, leb } from '../test/fixtures/probe.ts';

export const buildEcho = () => buildFixture('bench/drivers/echo.as.ts', ['--maximumMemory', '4', '--importMemory']);

/** `core` with a custom section carrying 100 KiB of payload numbered `round`: a new digest every round, so neither the verdict cache nor V8 helps. */
export function withPayload(core: Uint8Array, round: number): Uint8Array {
  const name = new TextEncoder().encode('camos-bench-payload');
  const payload = new Uint8Array(100 * 1024).map((_, i) => (i * 31 + round) & 0xff);
  new DataView(payload.buffer).setUint32(0, round);
  const body = [...leb(name.length), ...name, ...payload];
  return new Uint8Array([...core, 0, ...leb(body.length), ...body]);
}

export function echoManifest(key: HybridKeyPair, name: string, version: string, module: Uint8Array): string {
  return manifestText(
    signManifest(
      {
        name,
        version,
        description: 'benchmark echo',
        world: 'camos:driver/driver@0.1.0',
        capabilities: { imports: [], context: { read: [], write: [] } },
        limits: { maxMemoryPages: 4, timeoutMs: 1000, maxOutputBytes: 65536 },
        digest: sha256Digest(module),
      },
      key,
    ),
  );
}

