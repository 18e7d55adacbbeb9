// The names camos uses in NATS, in one place. A key's subject carries its namespace and key
// in base64url (a namespace may hold '.', NATS's token separator), so that each key has a
// subject of its own: JetStream's per-subject sequence is what compare-and-set checks.
import { createHash } from 'node:crypto';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export const contextStream = (cluster: string) => `CAMOS_${cluster}_CTX`;
export const contextSubjects = (cluster: string) => `camos.${cluster}.ctx.>`;
export const contextSubject = (cluster: string, ns: string, key: string) => `camos.${cluster}.ctx.${b64(ns)}.${b64(key)}`;

/** The KV bucket of the shared state (state.ts) and the Object Store of the shared drivers (drivers.ts). */
export const stateBucket = (cluster: string) => `CAMOS_${cluster}_STATE`;
export const driverBucket = (cluster: string) => `CAMOS_${cluster}_DRIVERS`;

/** JetStream's de-duplication id of a version: a re-publish after a crash is dropped, not stored twice. */
export const messageId = (ns: string, key: string, hlc: string, origin: string) => createHash('sha256').update(`${ns}\0${key}\0${hlc}\0${origin}`).digest('hex');

/** Message headers. */
export const HEADER = { meta: 'Camos-Meta', signature: 'Camos-Sig' } as const;
