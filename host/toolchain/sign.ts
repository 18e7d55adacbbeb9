// Signing a driver's manifest as a publisher, and the manifest file's text: what
// `camos driver sign`, the build and the example drivers' loading write. Verification is
// the runtime's (drivers/manifest.ts verifyManifest), over the same canonical bytes.
import { hybridSign, signatureToJson, type HybridKeyPair, type HybridSignatureJson } from '../crypto/hybrid.ts';
import { canonicalBytes } from '../drivers/manifest.ts';

/** Signs a manifest as `key`'s publisher: sets `publisher` to the key id, then attaches the signature. */
export function signManifest<M extends Record<string, unknown>>(manifest: M, key: HybridKeyPair): M & { publisher: string; signature: HybridSignatureJson } {
  const unsigned = { ...manifest, publisher: key.publicKey.keyId };
  delete (unsigned as Record<string, unknown>).signature;
  const signature = signatureToJson(hybridSign(key, canonicalBytes(unsigned)));
  return { ...unsigned, signature };
}

/** A manifest file's text: the manifest, pretty-printed. */
export const manifestText = (m: Record<string, unknown>) => JSON.stringify(m, null, 2) + '\n';
