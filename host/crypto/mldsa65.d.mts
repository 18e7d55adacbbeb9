/** ML-DSA-65 verification with native SHAKE and per-key expansion (see mldsa65.mjs). */
export function verifyMldsa65(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, context?: Uint8Array): boolean;
