// `npm run bench -- faults [--quick] [--seed N] [--json]`: the standing fault suite, run
// against a real kernel in a child process (`camos start`) through its public surfaces only:
// the proto file, the gRPC, HTTP and Session doors on a real socket, the CLI and the data
// directory. Its short form runs in `npm test` (test/faults/standing.test.ts, --quick);
// the targeted fault tests are the rest of test/faults/.
//
//   1. fuzz: every unary RPC of cam_os.SyscallService gets random bytes and random messages
//      generated from its request type (fast-check, from the proto: strings with lone
//      surrogates and control characters, huge and negative numbers, unknown enum values,
//      nested and repeated fields), with the admin's token, a bogus token and none; the HTTP
//      door random paths and bodies; the Session stream random frames. A client error must
//      be answered as one (a gRPC status other than INTERNAL/UNKNOWN/DATA_LOSS, an HTTP
//      status under 500), every call must be answered, and the kernel must stay up.
//   2. hostile drivers beside a steady one: a driver that spins, one that grows its memory,
//      results and host-call arguments outside memory, a manifest asking for more memory than
//      the kernel allows, a publisher key revoked while its driver serves; every steady call
//      must succeed, every hostile one fail alone with its status.
//   3. doors: slowloris (headers trickling in), idle connections, a Session stream that
//      never reads its answers, descriptor exhaustion and a full disk (a tmpfs data dir,
//      where mounting is permitted): the kernel must keep serving, say degraded, recover.
//   4. kill -9 under mixed load, then restart: every acknowledged write must read back with
//      its bytes and have its audit record, and the audit chain must verify.
//
// It prints the figures: inputs tried, faults injected, answers checked, anomalies (each
// named, with the input to reproduce it), acknowledged writes lost (must be 0) and kernel
// restarts needed (must be 0, the kills aside).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as h2connect } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { writeKeyPair } from '../host/drivers/keys.ts';
import { buildFixture, buildProbe, probeManifest } from '../test/fixtures/probe.ts';
import { report, type Row } from './lib.ts';

const quick = process.argv.includes('--quick');
const seedAt = process.argv.indexOf('--seed');
const seed = seedAt > 0 ? Number(process.argv[seedAt + 1]) : Date.now() % 2 ** 31;
const PER_RPC = quick ? 12 : 120;
const HTTP_INPUTS = quick ? 60 : 1_000;
const SESSION_FRAMES = quick ? 40 : 600;
const KILLS = quick ? 2 : 10;

const CAMOS = fileURLToPath(new URL('../bin/camos.mjs', import.meta.url));
const PROTO = fileURLToPath(new URL('../proto/cam_os.proto', import.meta.url));
const proto = protobuf.loadSync(PROTO);
const service = proto.lookupService('cam_os.SyscallService');
const root = mkdtempSync(join(tmpdir(), 'camos-bench-faults-'));

const figures = { inputsTried: 0, faultsInjected: 0, answersChecked: 0, refusedCorrectly: 0, accepted: 0, acknowledgedWritesLost: 0, acknowledgedWritesUnaudited: 0, restartsNeeded: 0 };
const anomalies: { phase: string; what: string; input?: string }[] = [];
const anomaly = (phase: string, what: string, input?: Uint8Array | string) => {
  anomalies.push({ phase, what, input: input === undefined ? undefined : typeof input === 'string' ? input.slice(0, 300) : Buffer.from(input).subarray(0, 150).toString('hex') });
};
const phaseRows: Row[] = [];
/** Keeps an input that broke something where it outlives the run; returns its path. */
const keep = (bytes: Uint8Array) => {
  const file = join(tmpdir(), `camos-fault-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`);
  writeFileSync(file, bytes);
  return file;
};
const only = process.argv.includes('--phase') ? process.argv[process.argv.indexOf('--phase') + 1] : undefined;
const phase = (name: string, before: typeof figures, at: number) => {
  const d = (k: keyof typeof figures) => figures[k] - before[k];
  phaseRows.push({ phase: name, inputs: d('inputsTried'), faults: d('faultsInjected'), 'refused correctly': d('refusedCorrectly'), accepted: d('accepted'), anomalies: anomalies.filter((a) => a.phase === name).length, seconds: Math.round((performance.now() - at) / 100) / 10 });
};

// ------------------------------------------------------------------ a kernel in a child process

interface Kernel {
  child: ChildProcess;
  port: number;
  dataDir: string;
  token: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startKernel(dataDir: string, config: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<Kernel> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const configFile = join(root, `config-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(configFile, JSON.stringify({ drivers: { loadExamples: false }, ...config }));
  const child = spawn(process.execPath, [CAMOS, 'start', '--port', '0', '--data-dir', dataDir, '--config', configFile, '--log-level', 'warn'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
      const m = out.match(/listening on [\d.]+:(\d+)/);
      if (m) resolve({ child, port: Number(m[1]), dataDir, token: readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`camos start exited with ${code}: ${out}`)));
  });
}

async function stopKernel(k: Kernel): Promise<void> {
  if (k.child.exitCode !== null || k.child.signalCode !== null) return;
  k.child.kill('SIGTERM');
  await k.exited;
}

const alive = (k: Kernel) => k.child.exitCode === null && k.child.signalCode === null;

/** A raw gRPC client: bytes in, bytes out, so that what is sent is exactly what was generated. */
function rawClient(k: Kernel): grpc.Client {
  return new grpc.Client(`127.0.0.1:${k.port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
}
const md = (token?: string) => {
  const m = new grpc.Metadata();
  if (token !== undefined) m.set('authorization', `Bearer ${token}`);
  return m;
};
const identity = (b: Buffer) => b;

function rawCall(c: grpc.Client, rpc: string, bytes: Uint8Array, token?: string, timeoutMs = 15_000): Promise<{ code: number; details: string; value?: Buffer }> {
  return new Promise((resolve) => {
    c.makeUnaryRequest(`/cam_os.SyscallService/${rpc}`, identity, identity, Buffer.from(bytes), md(token), { deadline: Date.now() + timeoutMs }, (e, value) =>
      resolve(e ? { code: (e as grpc.ServiceError).code, details: (e as grpc.ServiceError).details } : { code: 0, details: '', value }),
    );
  });
}

async function call(k: Kernel, c: grpc.Client, rpc: string, request: Record<string, unknown>, token = k.token) {
  const method = service.methods[rpc];
  const req = proto.lookupType(method.requestType);
  const res = proto.lookupType(method.responseType);
  const r = await rawCall(c, rpc, req.encode(req.fromObject(request)).finish(), token, 30_000);
  return { ...r, message: r.value ? (res.toObject(res.decode(r.value), { bytes: Buffer, longs: Number, defaults: true }) as any) : undefined };
}

/** Statuses a server may give a client's bad input; the rest say the server broke. */
const SERVER_FAULT = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS, grpc.status.DEADLINE_EXCEEDED]);

// ------------------------------------------------------------------ generators from the proto

const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\ud800', 'a\udfffb', '\u0000', '../../etc/shadow', '%', "'; DROP TABLE audit; --", 'admin', 'anonymous', 'kernel', '*', 'Agent::"\\x"', '\u202e'),
  fc.integer({ min: 1, max: 70_000 }).map((n) => 'x'.repeat(n)),
);
const nastyNumber = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53)));

function messageArb(type: protobuf.Type, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of type.fieldsArray) {
    const one = fieldArb(f.resolve(), depth);
    if (!one) continue;
    fields[f.name] = f.repeated ? fc.array(one, { maxLength: depth ? 2 : 5 }) : f.map ? fc.dictionary(nastyString, one, { maxKeys: 4 }) : one;
  }
  return fc.record(fields, { requiredKeys: [] });
}

function fieldArb(f: protobuf.Field, depth: number): fc.Arbitrary<unknown> | undefined {
  if (f.resolvedType instanceof protobuf.Type) return depth < 3 ? messageArb(f.resolvedType, depth + 1) : undefined;
  if (f.resolvedType instanceof protobuf.Enum) return fc.oneof(fc.constantFrom(...Object.values(f.resolvedType.values)), fc.integer({ min: -5, max: 1000 }));
  switch (f.type) {
    case 'string':
      return nastyString;
    case 'bytes':
      return fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 300_000 }).map((n) => new Uint8Array(n).fill(0x41)));
    case 'bool':
      return fc.boolean();
    case 'double':
    case 'float':
      return fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0));
    case 'uint32':
    case 'fixed32':
      return fc.nat();
    default: // int32, int64, uint64, sint*, fixed64
      return nastyNumber;
  }
}

/** An encoded request: a generated message, or bytes no encoder made. */
function inputsFor(rpc: string, n: number, seedOffset: number): Uint8Array[] {
  const type = proto.lookupType(service.methods[rpc].requestType);
  const message = messageArb(type).map((m) => {
    try {
      return type.encode(type.fromObject(m)).finish();
    } catch {
      return new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]); // a length that runs past the end
    }
  });
  return fc.sample(fc.oneof({ weight: 3, arbitrary: message }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) }), { numRuns: n, seed: seed + seedOffset });
}

// ------------------------------------------------------------------ 1. fuzz every door

/** The kernel's health: its status, and what each component not ok says. */
async function health(k: Kernel): Promise<string | undefined> {
  const c = rawClient(k);
  try {
    const r = await call(k, c, 'HealthCheck', { detailed: true });
    if (!r.message) return undefined;
    const notOk = Object.entries(r.message.components as Record<string, { status: string; details: Record<string, string> }>).filter(([, v]) => v.status !== 'ok');
    return notOk.length ? `${r.message.status} (${notOk.map(([n, v]) => `${n}: ${v.status} ${JSON.stringify(v.details)}`).join('; ')})` : r.message.status;
  } finally {
    c.close();
  }
}

async function fuzz(): Promise<void> {
  const at = performance.now();
  const before = { ...figures };
  let k = await startKernel(join(root, 'fuzz'));
  let c = rawClient(k);
  const unary = service.methodsArray.filter((m) => !m.requestStream && !m.responseStream).map((m) => m.name);
  let offset = 0;
  for (const rpc of unary) {
    const inputs = inputsFor(rpc, PER_RPC, offset++);
    for (const [i, bytes] of inputs.entries()) {
      const token = i % 3 === 0 ? k.token : i % 3 === 1 ? undefined : randomBytes(24).toString('base64url');
      figures.inputsTried++;
      const r = await rawCall(c, rpc, bytes, token);
      figures.answersChecked++;
      if (r.code === 0) figures.accepted++;
      else if (SERVER_FAULT.has(r.code)) anomaly('fuzz', `${rpc} (${i % 3 === 0 ? "the admin's token" : i % 3 === 1 ? 'no token' : 'a bogus token'}): ${grpc.status[r.code]}: ${r.details}; the input is in ${keep(bytes)}`, bytes);
      else figures.refusedCorrectly++;
    }
    if (!alive(k) || (await health(k).catch(() => undefined)) === undefined) {
      anomaly('fuzz', `the kernel stopped answering after ${rpc}'s inputs`);
      figures.restartsNeeded++;
      c.close();
      await stopKernel(k).catch(() => undefined);
      k = await startKernel(join(root, 'fuzz'));
      c = rawClient(k);
    }
  }
  c.close();

  // The HTTP door: JSON bodies of any shape to every syscall and to made-up routes.
  // Syscall names from the RPC names (docs/SYSCALLS.md), with the one that reads otherwise.
  const irregular: Record<string, string> = { TaskRollback: 'sys_rollback_task' };
  const names = unary.map((r) => irregular[r] ?? `sys_${r.replace(/[A-Z]/g, (ch, i) => (i ? '_' : '') + ch.toLowerCase())}`);
  const http = fc.sample(
    fc.record({
      path: fc.oneof(fc.constantFrom(...names).map((n) => `/v1/${n}`), fc.constantFrom('/v1/%', '/v1/%zz', '/v1/', '/nl/query', '/healthz', '/metrics', '/../../etc/passwd', '/v1/sys_context_read?x=%ff'), fc.webPath()),
      method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE'),
      body: fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify({ namespace: v, key: v, data: v, query: v, principal: v })), fc.string({ unit: 'binary', maxLength: 200 }), fc.constant('{"actionId":"\\ud800"}')),
      auth: fc.constantFrom('admin', 'none', 'bogus'),
      type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
    }),
    { numRuns: HTTP_INPUTS, seed: seed + 1000 },
  );
  for (const h of http) {
    figures.inputsTried++;
    const headers: Record<string, string> = { 'content-type': h.type };
    if (h.auth !== 'none') headers.authorization = `Bearer ${h.auth === 'admin' ? k.token : 'bogus'}`;
    let status: number;
    try {
      const res = await fetch(`http://127.0.0.1:${k.port}${h.path}`, { method: h.method, headers, body: h.method === 'GET' ? undefined : h.body, signal: AbortSignal.timeout(15_000) });
      status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      // fetch refuses some generated paths itself (not a kernel answer): not counted.
      if ((e as Error).name === 'TypeError' && !/fetch failed/.test((e as Error).message)) {
        figures.inputsTried--;
        continue;
      }
      anomaly('fuzz', `HTTP ${h.method} ${h.path}: no answer (${(e as Error).message})`, h.body);
      continue;
    }
    figures.answersChecked++;
    if (status < 400) figures.accepted++;
    // 501 is UNIMPLEMENTED: a route the caller made up, or an alias the HTTP door does not serve.
    else if (status < 500 || status === 501) figures.refusedCorrectly++;
    else anomaly('fuzz', `HTTP ${h.method} ${h.path}: ${status}`, h.body);
  }

  // The Session stream: frames of random bytes and of generated requests, on one stream.
  const requestType = proto.lookupType('cam_os.SyscallRequest');
  const frames = fc.sample(fc.oneof(messageArb(requestType).map((m) => { try { return requestType.encode(requestType.fromObject(m)).finish(); } catch { return new Uint8Array([0xff]); } }), fc.uint8Array({ maxLength: 256 })), { numRuns: SESSION_FRAMES, seed: seed + 2000 });
  // On streams of 20 frames, as a client would send them, and all on one stream.
  for (const batch of [...Array.from({ length: Math.ceil(frames.length / 20) }, (_, i) => frames.slice(i * 20, i * 20 + 20)), frames]) {
    const answered = await session(k, batch);
    figures.inputsTried += batch.length;
    figures.answersChecked += answered.answers + 1;
    figures.refusedCorrectly += answered.refused;
    figures.accepted += answered.answers - answered.refused;
    if (answered.status === undefined || SERVER_FAULT.has(answered.status)) anomaly('fuzz', `Session stream of ${batch.length} frames ended ${answered.status === undefined ? 'without a status' : `with ${grpc.status[answered.status]}`} after ${answered.answers} answers: ${answered.message}`);
    else if (answered.status) figures.refusedCorrectly++;
  }

  if (!alive(k) || (await health(k)) === undefined) {
    anomaly('fuzz', 'the kernel stopped answering after the HTTP and Session inputs');
    figures.restartsNeeded++;
  }
  await stopKernel(k);
  phase('fuzz', before, at);
}

/**
 * Sends frames on one Session stream; counts the answers and those that carry an error code.
 * The end: a gRPC status (in trailers, or in the headers of a trailers-only answer), or a
 * reset: ENHANCE_YOUR_CALM is HTTP/2's own bound on what a session may hold unread
 * (Node.js's maxSessionMemory), a refusal; any other end is an anomaly.
 */
function session(k: Kernel, frames: Uint8Array[]): Promise<{ answers: number; refused: number; status?: number; message?: string }> {
  const response = proto.lookupType('cam_os.SyscallResponse');
  return new Promise((resolve) => {
    const s = h2connect(`http://127.0.0.1:${k.port}`);
    s.on('error', () => undefined);
    const stream = s.request({ ':method': 'POST', ':path': '/cam_os.SyscallService/Session', 'content-type': 'application/grpc', te: 'trailers', authorization: `Bearer ${k.token}` });
    let pending = Buffer.alloc(0);
    let answers = 0;
    let refused = 0;
    let status: number | undefined;
    let message: string | undefined;
    const ended = (h: Record<string, unknown>) => {
      if (h['grpc-status'] === undefined) return;
      status = Number(h['grpc-status']);
      message = String(h['grpc-message'] ?? '');
    };
    stream.on('response', ended);
    stream.on('trailers', ended);
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const body = pending.subarray(5, 5 + pending.readUInt32BE(1));
        pending = pending.subarray(5 + body.length);
        answers++;
        try {
          if ((response.decode(body) as any).code) refused++;
        } catch {
          anomaly('fuzz', 'Session: an answer that does not decode', body);
        }
      }
    });
    stream.on('error', () => undefined);
    const timer = setTimeout(() => stream.close(), 60_000);
    stream.on('close', () => {
      clearTimeout(timer);
      if (status === undefined && stream.rstCode === 11) [status, message] = [grpc.status.RESOURCE_EXHAUSTED, 'reset by HTTP/2 (ENHANCE_YOUR_CALM): more unread than the session may hold'];
      resolve({ answers, refused, status, message: message ?? (stream.rstCode ? `reset with HTTP/2 code ${stream.rstCode}` : 'closed') });
      s.close();
    });
    for (const f of frames) {
      const head = Buffer.alloc(5);
      head.writeUInt32BE(f.length, 1);
      stream.write(Buffer.concat([head, f]));
    }
    stream.end();
  });
}

// ------------------------------------------------------------------ 2. hostile drivers

async function hostileDrivers(): Promise<void> {
  const at = performance.now();
  const before = { ...figures };
  const dataDir = join(root, 'drivers');
  const steadyKey = generateHybridKeyPair();
  const hostileKey = generateHybridKeyPair();
  const k = await startKernel(dataDir, { drivers: { loadExamples: false, poolSize: 4, maxConcurrentCallsPerDriver: 2, maxMemoryPages: 512 } });
  const c = rawClient(k);
  try {
    for (const [name, key] of [['steady', steadyKey], ['hostile', hostileKey]] as const) {
      const pub = writeKeyPair(join(root, `${name}.key.json`), key);
      execFileSync(process.execPath, [CAMOS, 'trust', 'add', pub, '--name', name, '--data-dir', dataDir], { stdio: 'ignore' });
    }
    await new Promise((r) => setTimeout(r, 500)); // trust.json is watched
    const probe = await buildProbe();
    const hostile = await buildFixture('test/fixtures/hostile-driver.as.ts', ['--maximumMemory', '64']);
    const load = (module: Uint8Array, manifest: string) => call(k, c, 'DriverLoad', { manifestData: Buffer.from(manifest), module: Buffer.from(module) });
    for (const r of [
      await load(probe, probeManifest(probe, steadyKey, { name: 'steady', timeoutMs: 5000 })),
      await load(hostile, probeManifest(hostile, hostileKey, { name: 'spinner', timeoutMs: 1000, maxMemoryPages: 64, read: ['hostile'], write: ['hostile'] })),
    ]) if (r.code) throw new Error(`loading a driver failed: ${r.details}`);
    // Asking for more memory than the kernel allows is refused at load.
    figures.faultsInjected++;
    const greedy = await load(hostile, probeManifest(hostile, hostileKey, { name: 'greedy', maxMemoryPages: 4096 }));
    if (greedy.code === grpc.status.INVALID_ARGUMENT || greedy.code === grpc.status.FAILED_PRECONDITION) figures.refusedCorrectly++;
    else anomaly('drivers', `a manifest over drivers.maxMemoryPages: ${grpc.status[greedy.code]} ${greedy.details}`);

    const invoke = (name: string, input: string) => call(k, c, 'DriverInvoke', { name, input: Buffer.from(input) });
    const breaches: [string, number[]][] = [
      ['x', [grpc.status.DEADLINE_EXCEEDED]], // spins
      ['g\u0040', [grpc.status.OK, grpc.status.RESOURCE_EXHAUSTED, grpc.status.ABORTED, grpc.status.INTERNAL]], // grows by 64 MiB: past its cap, or held and given back
      ['o', [grpc.status.INTERNAL, grpc.status.ABORTED]],
      ['s', [grpc.status.INTERNAL, grpc.status.ABORTED]],
      ['n', [grpc.status.INTERNAL, grpc.status.ABORTED]],
      ['E', [grpc.status.INTERNAL, grpc.status.ABORTED]],
      ['R', [grpc.status.INTERNAL, grpc.status.ABORTED]],
      ['L', [grpc.status.INTERNAL, grpc.status.ABORTED]],
      ['W', [grpc.status.INTERNAL, grpc.status.ABORTED, grpc.status.PERMISSION_DENIED]],
      ['K', [grpc.status.INTERNAL, grpc.status.ABORTED, grpc.status.NOT_FOUND]],
    ];
    const rounds = quick ? 2 : 6;
    let steadyOk = 0;
    let steadyCalls = 0;
    for (let round = 0; round < rounds; round++) {
      const hostileCalls = breaches.map(async ([op, expected]) => {
        figures.faultsInjected++;
        const r = await invoke('spinner', op);
        figures.answersChecked++;
        if (!expected.includes(r.code)) anomaly('drivers', `hostile '${op}': ${grpc.status[r.code]} ${r.details}`);
        else if (r.code) figures.refusedCorrectly++;
        else figures.accepted++;
      });
      const steady = Array.from({ length: 20 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 40));
        steadyCalls++;
        const r = await invoke('steady', `e${round}.${i}`);
        figures.answersChecked++;
        if (r.code === 0 && r.message.output.toString() === `${round}.${i}`) steadyOk++;
        else anomaly('drivers', `a steady call beside hostile ones: ${grpc.status[r.code]} ${r.details}`);
      });
      await Promise.all([...hostileCalls, ...steady]);
    }
    figures.accepted += steadyOk;
    figures.inputsTried += steadyCalls + rounds * breaches.length + 1;

    // A key revoked while its driver serves: the next call is refused, naming the key.
    figures.faultsInjected++;
    execFileSync(process.execPath, [CAMOS, 'trust', 'revoke', hostileKey.publicKey.keyId, '--data-dir', dataDir], { stdio: 'ignore' });
    let refusedAfterRevoke = false;
    for (let i = 0; i < 50 && !refusedAfterRevoke; i++) {
      const r = await invoke('spinner', 'eok');
      refusedAfterRevoke = r.code === grpc.status.PERMISSION_DENIED || r.code === grpc.status.NOT_FOUND;
      if (!refusedAfterRevoke) await new Promise((res) => setTimeout(res, 100));
    }
    figures.inputsTried++;
    if (refusedAfterRevoke) figures.refusedCorrectly++;
    else anomaly('drivers', 'a driver whose key was revoked still answers after 5 s');
    const after = await invoke('steady', 'estill');
    if (after.code !== 0) anomaly('drivers', `the steady driver after the revocation: ${grpc.status[after.code]} ${after.details}`);
    if (!alive(k)) {
      anomaly('drivers', 'the kernel died');
      figures.restartsNeeded++;
    }
  } finally {
    c.close();
    await stopKernel(k);
  }
  phase('drivers', before, at);
}

// ------------------------------------------------------------------ 3. doors and resources

async function doors(): Promise<void> {
  const at = performance.now();
  const before = { ...figures };
  const k = await startKernel(join(root, 'doors'), { doors: { headersTimeoutMs: 2000, idleTimeoutMs: 2000 } });
  try {
    // Slowloris and silent connections: the kernel closes them.
    const sockets: Socket[] = [];
    for (let i = 0; i < (quick ? 10 : 100); i++) {
      const s = connect(k.port, '127.0.0.1');
      s.on('error', () => undefined);
      if (i % 2) s.write('POST /v1/sys_health_check HTTP/1.1\r\nHost: x\r\n');
      sockets.push(s);
      figures.faultsInjected++;
    }
    const trickle = setInterval(() => sockets.forEach((s, i) => i % 2 && !s.destroyed && s.write('X-a: b\r\n')), 500);
    const closed = await Promise.race([Promise.all(sockets.map((s) => new Promise((r) => (s.destroyed ? r(0) : s.once('close', r))))).then(() => true), new Promise((r) => setTimeout(() => r(false), 30_000))]);
    clearInterval(trickle);
    figures.inputsTried += sockets.length;
    if (closed) figures.refusedCorrectly += sockets.length;
    else anomaly('doors', `${sockets.filter((s) => !s.destroyed).length} slow or silent connections still open after 30 s`);
    sockets.forEach((s) => s.destroy());
    if ((await health(k))?.startsWith('ok') !== true) anomaly('doors', 'health not ok after the slow connections');

    // Descriptor exhaustion: the kernel's limit lowered to what it holds plus a few (prlimit),
    // then connections until none is left; a client connected before keeps being served, and
    // once the flood is gone and the limit is back, new clients are too.
    {
      const early = rawClient(k);
      await call(k, early, 'HealthCheck', {});
      const open = readdirSync(`/proc/${k.child.pid}/fd`).length;
      const limit = execFileSync('prlimit', ['--pid', String(k.child.pid), '--nofile', '--raw', '--noheadings', '--output', 'SOFT,HARD']).toString().trim().split(/\s+/);
      execFileSync('prlimit', ['--pid', String(k.child.pid), `--nofile=${open + 8}:${limit[1]}`]);
      figures.faultsInjected++;
      const flood: Socket[] = [];
      for (let i = 0; i < 40; i++) {
        const s = connect(k.port, '127.0.0.1');
        s.on('error', () => undefined);
        flood.push(s);
      }
      await new Promise((r) => setTimeout(r, 500));
      const during = await call(k, early, 'ContextWrite', { namespace: 'fds', key: 'during', data: Buffer.from('x') });
      figures.inputsTried += flood.length + 1;
      if (during.code && SERVER_FAULT.has(during.code)) anomaly('doors', `a call on an open connection with no descriptors left: ${grpc.status[during.code]} ${during.details}`);
      else figures.refusedCorrectly++;
      flood.forEach((s) => s.destroy());
      execFileSync('prlimit', ['--pid', String(k.child.pid), `--nofile=${limit[0]}:${limit[1]}`]);
      early.close();
      let back: string | undefined;
      for (let i = 0; i < 50 && back?.startsWith('ok') !== true; i++) {
        back = await health(k).catch(() => undefined);
        if (back?.startsWith('ok') !== true) await new Promise((r) => setTimeout(r, 200));
      }
      if (back?.startsWith('ok') !== true) anomaly('doors', `10 s after descriptors returned, health is ${back ?? 'unanswered'}`);
    }

    // A Session stream that never reads: the kernel holds a bounded amount and answers the rest later.
    figures.faultsInjected++;
    const c = rawClient(k);
    await call(k, c, 'ContextWrite', { namespace: 'bp', key: 'big', data: Buffer.alloc(256 * 1024, 7) });
    const rssBefore = rss(k);
    const s = h2connect(`http://127.0.0.1:${k.port}`);
    s.on('error', () => undefined);
    const stream = s.request({ ':method': 'POST', ':path': '/cam_os.SyscallService/Session', 'content-type': 'application/grpc', te: 'trailers', authorization: `Bearer ${k.token}` });
    stream.pause();
    const req = proto.lookupType('cam_os.SyscallRequest');
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const body = req.encode(req.fromObject({ requestId: String(i), contextRead: { namespace: 'bp', key: 'big' } })).finish();
      const head = Buffer.alloc(5);
      head.writeUInt32BE(body.length, 1);
      stream.write(Buffer.concat([head, body]));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const grown = rss(k) - rssBefore;
    figures.inputsTried += n;
    // 1,000 answers of 256 KiB would be 250 MiB held; a bounded stream holds what is in
    // flight (doors.sessionMaxInflight answers) and its buffer.
    if (grown > 96 * 2 ** 20) anomaly('doors', `a Session stream that never reads grew the kernel by ${Math.round(grown / 2 ** 20)} MiB`);
    else figures.refusedCorrectly++;
    stream.close();
    s.close();
    if ((await health(k))?.startsWith('ok') !== true) anomaly('doors', 'health not ok after the non-reading stream');
    c.close();
  } finally {
    await stopKernel(k);
  }

  // A full disk (test/faults/availability.test.ts does it in depth): writes refused naming the
  // cause, reads served, and writes again once space returns.
  await diskFull();
  phase('doors', before, at);
}

function rss(k: Kernel): number {
  const status = readFileSync(`/proc/${k.child.pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) * 1024;
}

async function diskFull(): Promise<void> {
  const dir = mkdtempSync(join(root, 'tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    console.error('faults: disk full skipped: mount -t tmpfs is not permitted here (run as root)');
    return;
  }
  try {
    const k = await startKernel(join(dir, 'data'));
    const c = rawClient(k);
    try {
      figures.faultsInjected++;
      const filler = join(dir, 'filler');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=64'], { stdio: 'ignore' });
      } catch {
        // dd stops at the end of the disk
      }
      let refused = 0;
      for (let i = 0; i < 50; i++) {
        const r = await call(k, c, 'ContextWrite', { namespace: 'full', key: `k${i}`, data: randomBytes(64 * 1024) });
        figures.inputsTried++;
        if (r.code === grpc.status.RESOURCE_EXHAUSTED || r.code === grpc.status.UNAVAILABLE) refused++;
        else if (r.code) anomaly('doors', `a write on a full disk: ${grpc.status[r.code]} ${r.details}`);
      }
      figures.refusedCorrectly += refused;
      figures.accepted += 50 - refused;
      if (!refused) anomaly('doors', 'no write was refused on a full disk');
      const h = await health(k);
      if (h === undefined || !alive(k)) anomaly('doors', 'the kernel stopped answering on a full disk');
      rmSync(filler);
      let recovered = false;
      for (let i = 0; i < 50 && !recovered; i++) {
        recovered = (await call(k, c, 'ContextWrite', { namespace: 'full', key: 'after', data: Buffer.from('ok') })).code === 0;
        if (!recovered) await new Promise((r) => setTimeout(r, 200));
      }
      if (!recovered) anomaly('doors', 'writes still refused 10 s after space returned');
    } finally {
      c.close();
      await stopKernel(k);
    }
  } finally {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  }
}

// ------------------------------------------------------------------ 4. kill -9 under mixed load

async function kills(): Promise<void> {
  const at = performance.now();
  const before = { ...figures };
  const dataDir = join(root, 'kills');
  const acked = new Map<string, string>(); // key → sha256 of its bytes
  for (let round = 0; round < KILLS; round++) {
    const k = await startKernel(dataDir);
    const c = rawClient(k);
    let stop = false;
    const lane = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const key = `r${round}-l${lane}-${i}`;
        const data = randomBytes(16 + ((i * 37) % 2000));
        figures.inputsTried++;
        const r = await call(k, c, 'ContextWrite', { namespace: 'acked', key, data }).catch(() => ({ code: -1 }));
        if (r.code === 0) acked.set(key, createHash('sha256').update(data).digest('hex'));
        // Mixed load: reads, traces and health between the writes.
        if (i % 4 === 0) await call(k, c, 'ContextRead', { namespace: 'acked', key }).catch(() => undefined);
        if (i % 7 === 0) await call(k, c, 'EmitTrace', { operation: 'faults' }).catch(() => undefined);
      }
    };
    const lanes = Array.from({ length: 6 }, (_, i) => lane(i));
    await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
    k.child.kill('SIGKILL');
    figures.faultsInjected++;
    await k.exited;
    stop = true;
    c.close();
    await Promise.all(lanes);
  }
  // Restart once more: every acknowledged write reads back with its bytes, and is audited.
  const k = await startKernel(dataDir);
  const c = rawClient(k);
  try {
    for (const [key, hash] of acked) {
      const r = await call(k, c, 'ContextRead', { namespace: 'acked', key });
      figures.answersChecked++;
      if (r.code !== 0 || createHash('sha256').update(r.message.data).digest('hex') !== hash) {
        figures.acknowledgedWritesLost++;
        anomaly('kills', `acknowledged write ${key} lost: ${r.code ? grpc.status[r.code] : 'other bytes'}`);
      }
    }
  } finally {
    c.close();
    await stopKernel(k);
  }
  const db = new Database(join(dataDir, 'audit.db'), { readonly: true });
  try {
    const recorded = new Set((db.prepare("SELECT key FROM key_writes WHERE namespace = 'acked'").all() as { key: string }[]).map((r) => r.key));
    for (const key of acked.keys()) if (!recorded.has(key)) figures.acknowledgedWritesUnaudited++;
  } finally {
    db.close();
  }
  if (figures.acknowledgedWritesUnaudited) anomaly('kills', `${figures.acknowledgedWritesUnaudited} acknowledged writes have no audit record`);
  try {
    execFileSync(process.execPath, [CAMOS, 'audit', 'verify', '--data-dir', dataDir], { stdio: 'pipe' });
  } catch (e) {
    anomaly('kills', `camos audit verify failed after the kills: ${String((e as { stdout?: Buffer }).stdout ?? e).slice(0, 300)}`);
  }
  phaseRows.push({ phase: 'kills: acknowledged writes checked', inputs: acked.size, faults: KILLS, 'refused correctly': 0, accepted: acked.size, anomalies: 0, seconds: 0 });
  phase('kills', before, at);
}

try {
  for (const [name, run] of Object.entries({ fuzz, drivers: hostileDrivers, doors, kills })) if (!only || only === name) await run();
} finally {
  rmSync(root, { recursive: true, force: true });
}

report('faults', phaseRows, { seed, ...figures, anomalies: anomalies.length, firstAnomalies: anomalies.slice(0, 20) });
process.exitCode = anomalies.length || figures.acknowledgedWritesLost || figures.restartsNeeded ? 1 : 0;
