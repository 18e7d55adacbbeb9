// Secure channels for agents: establish one with the kernel (hybrid X25519 + ML-KEM-768,
// the kernel authenticated by its identity key), then send syscalls sealed inside it over
// the Session stream. The protocol is in host/crypto/channel.ts.
//
//   const client = new CamosClient({ address, token });
//   const channel = await SecureChannel.establish(client, { peerId: 'agent-a', trusted: [kernelKey] });
//   const health = await channel.call('healthCheck', {});
import { ChannelHandshake, type ChannelEnd } from '../../host/crypto/channel.ts';
import type { HybridPublicKey } from '../../host/crypto/hybrid.ts';
import { encode } from '../../host/wire/codec.ts';
import { messageType } from '../../host/wire/proto.ts';
import { CamosError, type CamosClient } from './index.ts';

export { ChannelHandshake, ChannelEnd, CHANNEL_PROTOCOL, CHANNEL_CIPHER, type SealedCall } from '../../host/crypto/channel.ts';
export { publicKeyFromJson, type HybridPublicKey, type HybridPublicKeyJson } from '../../host/crypto/hybrid.ts';

const TO_OBJECT = { longs: Number, enums: String, bytes: Buffer, defaults: true, arrays: true, objects: true, oneofs: true } as const;

export interface EstablishOptions {
  /** Who this end is (recorded by the kernel and bound into the signed transcript). */
  peerId: string;
  /** Kernel keys this client trusts (pinned out of band: `camos key list --json`). */
  trusted: HybridPublicKey[];
}

export class SecureChannel {
  private queue: Promise<unknown> = Promise.resolve();
  private counter = 0;

  private constructor(
    private readonly client: CamosClient,
    readonly end: ChannelEnd,
    /** The kernel key that signed the handshake. */
    readonly kernelKeyId: string,
  ) {}

  /** Runs the handshake; throws when the kernel's signature does not verify (a man in the middle). */
  static async establish(client: CamosClient, opts: EstablishOptions): Promise<SecureChannel> {
    const hs = new ChannelHandshake(opts.peerId);
    const answer = await client.establishSecureChannel(hs.request());
    return new SecureChannel(client, hs.finish(answer, opts.trusted), answer.keyId);
  }

  get channelId(): string {
    return this.end.channelId;
  }

  get expiresAt(): number {
    return this.end.expiresAt;
  }

  /**
   * Sends one syscall (by its Session field name, e.g. "contextRead") sealed in the channel
   * and opens the sealed answer. Calls go one at a time, so records stay in sequence.
   */
  call<Res = Record<string, unknown>>(field: string, request: object): Promise<Res> {
    const run = async (): Promise<Res> => {
      const requestId = `${this.end.channelId.slice(0, 8)}-${++this.counter}`;
      const sealed = this.end.seal(encode('SyscallRequest', { requestId, [field]: request }));
      const outer = await this.client.raw({ requestId, sealed });
      if (!outer.sealed) throw new CamosError(13, 'the kernel answered a sealed call without a sealed answer');
      const inner = messageType('SyscallResponse').toObject(messageType('SyscallResponse').decode(this.end.open(outer.sealed as never)), TO_OBJECT as never) as Record<string, any>;
      if (inner.code !== 0) throw new CamosError(inner.code, inner.message);
      return inner[field] as Res;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
