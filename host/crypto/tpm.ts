// A TPM 2.0 as the holder of an ECDSA P-256 signing key, driven through tpm2-tools
// (Debian packages tpm2-tools; swtpm and swtpm-tools for a software TPM in tests).
// The key is created under the owner hierarchy's storage primary and made persistent at a
// handle, so that signing is one tpm2_sign call. Without a resource manager (swtpm's
// TCTI), transient objects are flushed after each step or the TPM runs out of slots.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TPM_PACKAGES = 'tpm2-tools (and swtpm, swtpm-tools for a software TPM): apt-get install tpm2-tools swtpm swtpm-tools';
const FIRST_HANDLE = 0x81010010;
const LAST_HANDLE = 0x810100ff;

export class TpmError extends Error {}

export interface TpmKey {
  /** Persistent handle, e.g. "0x81010010". */
  handle: string;
  /** Uncompressed point 0x04 || x || y. */
  point: Uint8Array;
}

export class Tpm {
  /** tpm2-tools talk to one TPM at a time; calls are serialised here. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly tcti: string) {}

  private run(tool: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(tool, args, { env: { ...process.env, TPM2TOOLS_TCTI: this.tcti }, encoding: 'buffer', timeout: 30_000 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout.toString('latin1'));
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') return reject(new TpmError(`${tool} is not installed; install ${TPM_PACKAGES}`));
        const why = stderr.toString().split('\n').filter((l) => l.startsWith('ERROR')).slice(-2).join('; ') || e.message;
        reject(new TpmError(`${tool} failed against TPM '${this.tcti}': ${why}`));
      });
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private flush(): Promise<string> {
    return this.run('tpm2_flushcontext', ['-t']);
  }

  /** Creates a new ECDSA P-256 key and makes it persistent at the first free handle. */
  createKey(): Promise<TpmKey> {
    return this.serial(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'camos-tpm-'));
      try {
        const used = new Set((await this.run('tpm2_getcap', ['handles-persistent'])).match(/0x[0-9a-f]+/gi)?.map((h) => parseInt(h, 16)) ?? []);
        let handle = FIRST_HANDLE;
        while (used.has(handle) && handle <= LAST_HANDLE) handle++;
        if (handle > LAST_HANDLE) throw new TpmError(`no free persistent handle between 0x${FIRST_HANDLE.toString(16)} and 0x${LAST_HANDLE.toString(16)}`);
        const f = (n: string) => join(dir, n);
        await this.run('tpm2_createprimary', ['-C', 'o', '-g', 'sha256', '-G', 'ecc256', '-c', f('primary.ctx')]);
        await this.flush();
        await this.run('tpm2_create', ['-C', f('primary.ctx'), '-g', 'sha256', '-G', 'ecc256:ecdsa-sha256', '-u', f('key.pub'), '-r', f('key.priv')]);
        await this.flush();
        await this.run('tpm2_load', ['-C', f('primary.ctx'), '-u', f('key.pub'), '-r', f('key.priv'), '-c', f('key.ctx')]);
        await this.flush();
        const hex = `0x${handle.toString(16)}`;
        await this.run('tpm2_evictcontrol', ['-C', 'o', '-c', f('key.ctx'), hex]);
        await this.flush();
        return { handle: hex, point: await this.readPoint(hex) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  /** The public point of a persistent key. */
  publicKey(handle: string): Promise<Uint8Array> {
    return this.serial(() => this.readPoint(handle));
  }

  private async readPoint(handle: string): Promise<Uint8Array> {
    const out = await this.run('tpm2_readpublic', ['-c', handle]);
    const x = /^x: ([0-9a-f]+)$/m.exec(out)?.[1];
    const y = /^y: ([0-9a-f]+)$/m.exec(out)?.[1];
    if (!x || !y || !/curve-id:\s*\n\s*value: NIST p256/.test(out)) throw new TpmError(`TPM handle ${handle} does not hold an ECC P-256 key`);
    return new Uint8Array(Buffer.concat([Buffer.from([4]), Buffer.from(x.padStart(64, '0'), 'hex'), Buffer.from(y.padStart(64, '0'), 'hex')]));
  }

  /** ECDSA over a SHA-256 digest computed by the caller; returns r || s (IEEE P1363, 64 bytes). */
  sign(handle: string, digest: Uint8Array): Promise<Uint8Array> {
    return this.serial(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'camos-tpm-'));
      try {
        writeFileSync(join(dir, 'digest'), digest);
        await this.run('tpm2_sign', ['-c', handle, '-g', 'sha256', '-s', 'ecdsa', '-d', '-o', join(dir, 'sig'), join(dir, 'digest')]);
        return tpmtSignatureToP1363(readFileSync(join(dir, 'sig')));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  /** Removes a persistent key (after revocation: its public half stays in the key store). */
  evict(handle: string): Promise<void> {
    return this.serial(async () => {
      await this.run('tpm2_evictcontrol', ['-C', 'o', '-c', handle]);
    });
  }
}

/**
 * TPMT_SIGNATURE for ECDSA (TPM 2.0 Part 2, 11.3.4 / 11.2.3.1): sigAlg u16 (0x0018 ECDSA),
 * hashAlg u16, then r and s as TPM2B (u16 size, big-endian bytes). Out: r || s, each
 * left-padded to 32 bytes, the IEEE P1363 form node:crypto verifies with dsaEncoding 'ieee-p1363'.
 */
export function tpmtSignatureToP1363(buf: Uint8Array): Uint8Array {
  const b = Buffer.from(buf);
  if (b.length < 8 || b.readUInt16BE(0) !== 0x0018) throw new TpmError('the TPM did not return an ECDSA signature (TPMT_SIGNATURE sigAlg != TPM_ALG_ECDSA)');
  let at = 4;
  const part = () => {
    const n = b.readUInt16BE(at);
    const v = b.subarray(at + 2, at + 2 + n);
    at += 2 + n;
    if (v.length !== n || n > 32) throw new TpmError('malformed TPMT_SIGNATURE from the TPM');
    return Buffer.concat([Buffer.alloc(32 - n), v]);
  };
  const r = part();
  const s = part();
  return new Uint8Array(Buffer.concat([r, s]));
}
