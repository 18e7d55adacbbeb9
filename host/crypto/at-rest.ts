// Encryption at rest for secret key material: AES-256-GCM under a key-encryption key
// (KEK) that is either a random 32-byte master key in a 0600 file beside the data, or
// derived by scrypt from a passphrase held in an environment variable.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../base/files.ts';

/** How the KEK is obtained; recorded in the key file so that a mismatch is caught at start. */
export type KdfRecord = { name: 'master-key-file'; file: string } | { name: 'scrypt'; salt: string; N: number; r: number; p: number; env: string };

export interface Sealed {
  iv: string;
  tag: string;
  ciphertext: string;
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1 };

export function newScryptKdf(env: string): KdfRecord {
  return { name: 'scrypt', salt: randomBytes(16).toString('base64'), ...SCRYPT, env };
}

/** The KEK for a kdf record; throws an Error a person can act on when it cannot be had. */
export function deriveKek(kdf: KdfRecord, masterKeyPath: string, env: NodeJS.ProcessEnv): Buffer {
  if (kdf.name === 'scrypt') {
    const passphrase = env[kdf.env];
    if (!passphrase) throw new Error(`the key store is encrypted with a passphrase from the environment variable ${kdf.env}, which is not set`);
    return scryptSync(passphrase, Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r });
  }
  if (!existsSync(masterKeyPath)) {
    const key = randomBytes(32);
    writeFileAtomic(masterKeyPath, key.toString('base64') + '\n');
    return key;
  }
  const key = Buffer.from(readFileSync(masterKeyPath, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${masterKeyPath} does not hold a 32-byte base64 master key`);
  return key;
}

/** AES-256-GCM; `aad` binds the ciphertext to its record (the key id) so records cannot be swapped. */
export function seal(kek: Buffer, plaintext: Uint8Array, aad: string): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function open(kek: Buffer, sealed: Sealed, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(sealed.iv, 'base64'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(sealed.ciphertext, 'base64')), d.final()]);
}

