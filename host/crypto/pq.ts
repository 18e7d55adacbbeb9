// ML-DSA-65 (FIPS 204) and ML-KEM-768 (FIPS 203), the post-quantum halves of camos's
// signatures and channels, behind one interface with two implementations:
//   - 'pqclean': PQClean's C implementations, through the `pqclean` package's native addon;
//   - 'noble':   @noble/post-quantum, pure JavaScript, where the addon cannot load (it was
//                not built: no C++ compiler at install time, or an unsupported platform).
// A process uses one, chosen once at start (`choosePqBackend`; the kernel's config
// `crypto.backend`). Keys, signatures and ciphertexts are FIPS 203/204's encodings, so
// either backend reads what the other made.
//
// Two differences between the libraries are evened out here, so that both answer every
// input alike:
//   - the pqclean binding takes no FIPS 204 context string: both sign and verify with the
//     empty context (signing.ts puts a signature's purpose in its message instead);
//   - PQClean's ML-KEM leaves out FIPS 203's input checks (section 7.2, the modulus check
//     of an encapsulation key; 7.3, the hash check of a decapsulation key): they are made
//     here, for both, before either library sees a key.
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { PQ_BACKENDS, type PqBackendName } from './config.ts';
import { signThread } from './sign-thread.ts';

export interface PqKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface MlDsa65 {
  keygen(): PqKeyPair;
  /** Pure ML-DSA-65, empty context, hedged (randomised); on the calling thread. */
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** The same, for the key store: where a signature takes long (noble), off the calling thread. */
  signAsync(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array>;
  /** Empty context; false for anything malformed, never throws. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export interface MlKem768 {
  keygen(): PqKeyPair;
  /** Throws when `publicKey` fails FIPS 203's input checks (length, modulus). */
  encapsulate(publicKey: Uint8Array): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  /** Throws on a ciphertext or key of the wrong length, or a key failing the hash check; a
   *  well-formed ciphertext never throws (a wrong one gives FIPS 203's implicit-rejection key). */
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

export interface PqBackend {
  readonly name: PqBackendName;
  readonly mlDsa65: MlDsa65;
  readonly mlKem768: MlKem768;
}

export const MLDSA65 = { publicKey: 1952, secretKey: 4032, signature: 3309 } as const;
export const MLKEM768 = { publicKey: 1184, secretKey: 2400, cipherText: 1088 } as const;
const KEM_Q = 3329;
/** ByteEncode12 of the k = 3 polynomials of t̂: the part of an encapsulation key that the modulus check covers. */
const KEM_T_BYTES = 384 * 3;

// ---- FIPS 203 input checks (section 7), shared by both backends

function checkEncapsulationKey(ek: Uint8Array): void {
  if (ek.length !== MLKEM768.publicKey) throw new Error(`an ML-KEM-768 encapsulation key is ${MLKEM768.publicKey} bytes, not ${ek.length}`);
  // Modulus check: every 12-bit coefficient below q, i.e. ByteEncode12(ByteDecode12(ek)) = ek.
  for (let i = 0; i < KEM_T_BYTES; i += 3) {
    if ((ek[i] | ((ek[i + 1] & 0x0f) << 8)) >= KEM_Q || ((ek[i + 1] >> 4) | (ek[i + 2] << 4)) >= KEM_Q) {
      throw new Error('the ML-KEM-768 encapsulation key fails the FIPS 203 modulus check (a coefficient is not below q)');
    }
  }
}

function checkDecapsulation(cipherText: Uint8Array, dk: Uint8Array): void {
  if (cipherText.length !== MLKEM768.cipherText) throw new Error(`an ML-KEM-768 ciphertext is ${MLKEM768.cipherText} bytes, not ${cipherText.length}`);
  if (dk.length !== MLKEM768.secretKey) throw new Error(`an ML-KEM-768 decapsulation key is ${MLKEM768.secretKey} bytes, not ${dk.length}`);
  // Hash check: dk = dk_PKE (384k) || ek (384k + 32) || H(ek) (32) || z (32).
  const ek = dk.subarray(KEM_T_BYTES, KEM_T_BYTES + MLKEM768.publicKey);
  const h = dk.subarray(KEM_T_BYTES + MLKEM768.publicKey, KEM_T_BYTES + MLKEM768.publicKey + 32);
  if (!createHash('sha3-256').update(ek).digest().equals(h)) throw new Error('the ML-KEM-768 decapsulation key fails the FIPS 203 hash check (H(ek) does not match)');
}

/** ML-DSA-65 verification with the lengths checked first: both libraries then answer with a verdict. */
function verifier(verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean): MlDsa65['verify'] {
  return (signature, message, publicKey) => {
    if (signature.length !== MLDSA65.signature || publicKey.length !== MLDSA65.publicKey) return false;
    try {
      return verify(signature, message, publicKey);
    } catch {
      return false;
    }
  };
}

// ---- the backends

export const noble: PqBackend = {
  name: 'noble',
  mlDsa65: {
    keygen: () => ml_dsa65.keygen(randomBytes(32)),
    sign: (message, secretKey) => ml_dsa65.sign(message, secretKey),
    // 10–50 ms of JavaScript: on the signing thread, which runs noble too (sign-worker.mjs).
    signAsync: (message, secretKey) => signThread.sign(message, secretKey),
    verify: verifier((signature, message, publicKey) => ml_dsa65.verify(signature, message, publicKey)),
  },
  mlKem768: {
    keygen: () => ml_kem768.keygen(randomBytes(64)),
    encapsulate(publicKey) {
      checkEncapsulationKey(publicKey);
      return ml_kem768.encapsulate(publicKey);
    },
    decapsulate(cipherText, secretKey) {
      checkDecapsulation(cipherText, secretKey);
      return ml_kem768.decapsulate(cipherText, secretKey);
    },
  },
};

/** The classic API of the pqclean addon (its README's `Sign` and `KEM`); buffers in, buffers out. */
interface PqcleanAddon {
  Sign: new (algorithm: string) => {
    keypair(): { publicKey: Buffer; privateKey: Buffer };
    sign(privateKey: Uint8Array, message: Uint8Array): Buffer;
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  };
  KEM: new (algorithm: string) => {
    keypair(): { publicKey: Buffer; privateKey: Buffer };
    generateKey(publicKey: Uint8Array): { key: Buffer; encryptedKey: Buffer };
    decryptKey(privateKey: Uint8Array, encryptedKey: Uint8Array): Buffer;
  };
}

let pqcleanBackend: PqBackend | undefined;

/**
 * The pqclean backend (loaded once); throws when its native addon cannot load. The addon is
 * loaded as the package itself loads it (`bindings`), not through the package's entry
 * point, which would fall back to a WebAssembly build of PQClean without telling its caller.
 */
export function loadPqclean(): PqBackend {
  return (pqcleanBackend ??= pqcleanFromAddon());
}

function pqcleanFromAddon(): PqBackend {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('pqclean/package.json'));
  const addon = createRequire(require.resolve('pqclean'))('bindings')({ bindings: 'node_pqclean', module_root: root }) as PqcleanAddon;
  const dsa = new addon.Sign('ml-dsa-65');
  const kem = new addon.KEM('ml-kem-768');
  const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);
  const pair = ({ publicKey, privateKey }: { publicKey: Buffer; privateKey: Buffer }) => ({ publicKey: u8(publicKey), secretKey: u8(privateKey) });
  const sign = (message: Uint8Array, secretKey: Uint8Array) => {
    if (secretKey.length !== MLDSA65.secretKey) throw new Error(`an ML-DSA-65 secret key is ${MLDSA65.secretKey} bytes, not ${secretKey.length}`);
    return u8(dsa.sign(secretKey, message));
  };
  return {
    name: 'pqclean',
    mlDsa65: {
      keygen: () => pair(dsa.keypair()),
      sign,
      // Under a millisecond, so made in place: a thread that stops when idle would add its start (≈ 140 ms) to the next signature (docs/crypto.md).
      signAsync: async (message, secretKey) => sign(message, secretKey),
      verify: verifier((signature, message, publicKey) => dsa.verify(publicKey, message, signature)),
    },
    mlKem768: {
      keygen: () => pair(kem.keypair()),
      encapsulate(publicKey) {
        checkEncapsulationKey(publicKey);
        const { key, encryptedKey } = kem.generateKey(publicKey);
        return { cipherText: u8(encryptedKey), sharedSecret: u8(key) };
      },
      decapsulate(cipherText, secretKey) {
        checkDecapsulation(cipherText, secretKey);
        return u8(kem.decryptKey(secretKey, cipherText));
      },
    },
  };
}

// ---- the process's backend

let current: PqBackend | undefined;

export interface PqChoice {
  backend: PqBackend;
  /** Set when no backend was asked for and pqclean could not load: why, for a warning. */
  fallback?: string;
}

/**
 * Makes `choice` the process's backend; with none, pqclean when it loads, else noble (and
 * `fallback` says why). Asking for pqclean when it cannot load throws, naming the fix.
 */
export function choosePqBackend(choice: PqBackendName | undefined, load: () => PqBackend = loadPqclean): PqChoice {
  if (choice !== undefined && !PQ_BACKENDS.includes(choice)) throw new Error(`crypto.backend must be ${PQ_BACKENDS.map((b) => `'${b}'`).join(' or ')}, not '${choice}'`);
  if (choice === 'noble') return { backend: (current = noble) };
  let reason: string;
  try {
    return { backend: (current = load()) };
  } catch (e) {
    reason = (e as Error).message.split('\n')[0];
  }
  if (choice === 'pqclean') {
    throw new Error(`crypto.backend is 'pqclean', but the pqclean native addon cannot load (${reason}). Build it with \`npm rebuild pqclean\` (it needs python3, make and a C++ compiler), or set crypto.backend (or CAMOS_CRYPTO_BACKEND) to 'noble'.`);
  }
  current = noble;
  return { backend: noble, fallback: `the pqclean native addon cannot load (${reason}); using @noble/post-quantum (pure JavaScript, several times slower). \`npm rebuild pqclean\` builds it.` };
}

/** The process's backend; chosen on first use when no kernel chose it ($CAMOS_CRYPTO_BACKEND, else pqclean if it loads). */
export function pq(): PqBackend {
  if (current) return current;
  const { backend, fallback } = choosePqBackend((process.env.CAMOS_CRYPTO_BACKEND || undefined) as PqBackendName | undefined);
  if (fallback) process.emitWarning(fallback);
  return backend;
}
