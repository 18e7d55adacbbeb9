// The names camos uses in NATS, in one place. A key's subject carries its namespace and key
// in base64url (a namespace may hold '.', NATS's token separator), so that each key has a
// subject of its own: JetStream's per-subject sequence is what compare-and-set checks.
import { createHash } from 'node:crypto';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export const contextStream = (cluster: string) => `CAMOS_${cluster}_CTX`;
export const contextSubjects = (cluster: string) => `camos.${cluster}.ctx.>`;
export const contextSubject = (cluster: string, ns: string, key: string) => `camos.${cluster}.ctx.${b64(ns)}.${b64(key)}`;
/** A snapshot's subject, in the context stream beside the versions it names; '~' is no base64url character, so it is no key's subject. */
export const snapshotSubject = (cluster: string, id: string) => `camos.${cluster}.ctx.~snap.${b64(id)}`;

/** The KV bucket of the shared state (state.ts) and the Object Store of the shared drivers (drivers.ts). */
export const stateBucket = (cluster: string) => `CAMOS_${cluster}_STATE`;
export const driverBucket = (cluster: string) => `CAMOS_${cluster}_DRIVERS`;

/** JetStream's de-duplication id of a version: a re-publish after a crash is dropped, not stored twice. */
export const messageId = (ns: string, key: string, hlc: string, origin: string) => createHash('sha256').update(`${ns}\0${key}\0${hlc}\0${origin}`).digest('hex');

/** Message headers. */
export const HEADER = { meta: 'Camos-Meta', batch: 'Camos-Batch', signature: 'Camos-Sig' } as const;

/** The work queue: a task on its driver's subject (the driver's name, base64url), taken once. */
export const workStream = (cluster: string) => `CAMOS_${cluster}_WORK`;
export const workSubjects = (cluster: string) => `camos.${cluster}.work.>`;
export const workSubject = (cluster: string, driver: string) => `camos.${cluster}.work.${b64(driver)}`;
/** The durable consumer every kernel with the driver pulls from: one per driver name. */
export const workConsumer = (driver: string) => `work-${createHash('sha256').update(driver).digest('hex').slice(0, 32)}`;
/** Tasks' status, by task id (base64url: a task id may hold ':', which a KV key may not). */
export const taskBucket = (cluster: string) => `CAMOS_${cluster}_TASKS`;
export const taskKey = (id: string) => b64(id);
export const taskIdOf = (key: string) => Buffer.from(key, 'base64url').toString('utf8');

/** Questions across the mesh: every kernel answers on it (request/reply, no stream). */
export const questionSubject = (cluster: string) => `camos.${cluster}.question`;
