// Hostile secure-channel handshakes (issue 16) against a kernel on each post-quantum backend:
// an ML-KEM-768 share that is not a key, which PQClean's C would take as one without the
// FIPS 203 input check that host/crypto/pq.ts makes in front of it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ChannelHandshake } from '../../host/crypto/index.ts';
import { PQ_BACKENDS } from '../../host/crypto/config.ts';
import { startKernel, type RunningKernel } from '../helpers/kernel.ts';

for (const backend of PQ_BACKENDS) {
  describe(`a kernel on ${backend} refuses malformed ML-KEM-768 shares`, () => {
    let k: RunningKernel;
    before(async () => {
      k = await startKernel({ crypto: { backend }, drivers: { loadExamples: false } });
    });
    after(() => k.stop());

    test('a share whose encapsulation key has a coefficient of q or more is INVALID_ARGUMENT naming the modulus check, and holds no channel', async () => {
      const hs = new ChannelHandshake('mallory');
      const share = Buffer.from(hs.share);
      share[0] = 0xff; // the first 12-bit coefficient: 0xfff
      share[1] |= 0x0f;
      const err = await k.unary('EstablishSecureChannel', { peerId: 'mallory', ephemeralPublicKey: share }).then(
        () => assert.fail('the malformed share was taken'),
        (e: grpc.ServiceError) => e,
      );
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, err.details);
      assert.match(err.details, /ML-KEM-768 encapsulation key is not valid \(.*FIPS 203 modulus check/);
      assert.equal(k.kernel.channels!.size, 0);
      // Its X25519 half is free again, and the kernel goes on serving handshakes.
      const fine = new ChannelHandshake('mallory');
      const ok = await k.unary('EstablishSecureChannel', { peerId: 'mallory', ephemeralPublicKey: Buffer.concat([fine.share.subarray(0, 1184), share.subarray(1184)]) });
      assert.equal(ok.ephemeralPublicKey.length, 1088 + 32);
      assert.equal(k.kernel.keys!.health().details['crypto.backend'], backend);
    });
  });
}
