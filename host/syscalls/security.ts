// Signing and secure channels: thin handlers over host/crypto.
import { z } from 'zod';
import { CHANNEL_PROTOCOL } from '../crypto/channel.ts';
import { HYBRID_ALGORITHM, SIGNING_PURPOSE, TPM_HYBRID_ALGORITHM, encodeSignature } from '../crypto/index.ts';
import { invalidArgument } from '../base/errors.ts';
import type { SyscallDef } from './types.ts';


const ALGORITHMS = ['', 'hybrid', HYBRID_ALGORITHM, TPM_HYBRID_ALGORITHM];

export const tpmSign: SyscallDef<{ data: Buffer; keyId: string; algorithm: string }> = {
  schema: z.object({
    data: z.instanceof(Buffer).refine((b) => b.length > 0, 'must not be empty: give the bytes to sign'),
    keyId: z.string().regex(/^([0-9a-f]{16})?$/, 'a key id is 16 hex characters (`camos key list`), or empty for the active key').default(''),
    algorithm: z.string().refine((a) => ALGORITHMS.includes(a), `must be empty, 'hybrid', '${HYBRID_ALGORITHM}' or '${TPM_HYBRID_ALGORITHM}'`).default(''),
  }),
  action: 'tpm_sign',
  resource: (req, call) => ({ type: 'Key', id: req.keyId || call.services.keys.identity().keyId || '*' }),
  handle: async (req, call) => {
    const keys = call.services.keys;
    const keyId = req.keyId || keys.identity().keyId;
    const info = keys.info(keyId);
    if (info && req.algorithm && req.algorithm !== 'hybrid' && req.algorithm !== info.algorithm) {
      throw invalidArgument(`key ${keyId} signs with ${info.algorithm}, not ${req.algorithm}; leave algorithm empty or name that one`);
    }
    // Signed for its own purpose: a caller's bytes never sign as a handshake or a checkpoint.
    const r = await keys.sign(SIGNING_PURPOSE.tpmSign, req.data, keyId);
    const s = r.signature;
    Object.assign(call.evidence, { keyId: r.keyId, algorithm: r.algorithm, backend: r.backend, bytes: req.data.length });
    return {
      signature: Buffer.from(encodeSignature(s)),
      algorithm: r.algorithm,
      keyId: r.keyId,
      classicalSignature: Buffer.from(s.algorithm === TPM_HYBRID_ALGORITHM ? s.p256! : s.ed25519),
      pqSignature: Buffer.from(s.mldsa),
      backend: r.backend,
    };
  },
};

const PEER_ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'a peer id is 1-128 of [A-Za-z0-9_.:@-], starting with a letter or digit');

export const establishSecureChannel: SyscallDef<{ peerId: string; ephemeralPublicKey: Buffer; protocol: string }> = {
  schema: z.object({
    peerId: PEER_ID,
    ephemeralPublicKey: z.instanceof(Buffer),
    protocol: z.string().refine((p) => p === '' || p === CHANNEL_PROTOCOL, `must be empty or '${CHANNEL_PROTOCOL}'`).default(''),
  }),
  action: 'establish_secure_channel',
  resource: (req) => ({ type: 'Channel', id: req.peerId }),
  handle: async (req, call) => {
    const channels = call.services.channels;
    const answer = await channels.establish(req.peerId, req.ephemeralPublicKey, call.caller.id);
    Object.assign(call.evidence, { channelId: answer.channelId, peerId: req.peerId, keyId: answer.keyId, expiresAt: answer.expiresAt, kex: 'X25519MLKEM768' });
    return answer;
  },
};
