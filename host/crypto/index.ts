// Keys, signatures and secure channels. The kernel sees `KeyStore` (kernel.keys) and
// `ChannelTable` (kernel.channels); everything else in this folder is theirs.
export { choosePqBackend, pq } from './pq.ts';
export { KeyStore, type Backend, type KeyInfo, type KeyStoreOptions, type SignResult } from './keystore.ts';
export { SIGNING_PURPOSE, signedForm, verifySigned, encodeSignature, decodeSignature, type SigningPurpose } from './signing.ts';
export { HYBRID_ALGORITHM, TPM_HYBRID_ALGORITHM, hybridVerify, publicKeyFromJson, publicKeyToJson, type HybridAlgorithm, type HybridPublicKey, type HybridPublicKeyJson, type HybridSignature } from './hybrid.ts';
export { ChannelTable, ChannelHandshake, ChannelEnd, CHANNEL_PROTOCOL, CHANNEL_CIPHER, type SealedCall, type EstablishAnswer } from './channel.ts';
