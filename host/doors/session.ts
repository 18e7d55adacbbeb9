// The Session stream: any syscall, multiplexed by request_id over one bidirectional
// stream. Calls run concurrently; each answer carries its request id and status code.
// Backpressure: the stream is not read while doors.sessionMaxInflight requests are in
// flight (from arrival until their answer is written out to the connection) or
// doors.sessionMaxBufferedBytes of answers wait for the client to read them, so a client
// that sends without reading holds the kernel to that much (HTTP/2 flow control then stops
// its sends).
import type * as grpc from '@grpc/grpc-js';
import type { Kernel } from '../kernel.ts';
import { deadlineExceeded, invalidArgument, unimplemented } from '../base/errors.ts';
import { lookup } from '../syscalls/table.ts';
import { encode } from '../wire/codec.ts';
import { metaString, peerAddress } from './metadata.ts';
import { decodeOrExplain, MalformedMessage } from '../wire/strict.ts';
import { answerOf, grpcStatus } from './status.ts';

type Req = Record<string, unknown> & { requestId: string; authorization: string; timeoutMs: number; traceparent: string; call?: string };
type Res = Record<string, unknown>;

export interface SealedCall { channelId: string; sequence: number; nonce: Buffer; ciphertext: Buffer }

const TERMINAL = new Set(['succeeded', 'failed', 'rolled_back', 'cancelled']);

export function handleSession(kernel: Kernel, call: grpc.ServerDuplexStream<unknown, unknown>): void {
  const streamToken = metaString(call.metadata, 'authorization');
  const streamTraceparent = metaString(call.metadata, 'traceparent');
  const source = peerAddress(call);
  const { sessionMaxInflight, sessionMaxBufferedBytes } = kernel.config.doors;
  let inflight = 0;
  let buffered = 0;
  let ended = false;
  const unwatch = new Set<() => void>();

  // Reads while under both bounds, pauses past either.
  const flow = () => {
    const over = inflight >= sessionMaxInflight || buffered > sessionMaxBufferedBytes;
    if (over && !call.isPaused()) call.pause();
    else if (!over && call.isPaused()) call.resume();
  };
  /** Writes an answer; `done` runs once it is written out to the connection (or the stream is gone). */
  const send = (res: Res, done?: () => void) => {
    if (!call.writable || call.destroyed) return done?.();
    const bytes = sizeOf(res);
    buffered += bytes;
    call.write(res, () => {
      buffered -= bytes;
      done?.();
      flow();
    });
    flow();
  };
  const maybeEnd = () => {
    if (ended && inflight === 0 && unwatch.size === 0 && call.writable) call.end();
  };
  // The request leaves the count once its answer is written out.
  const answered = () => {
    inflight--;
    maybeEnd();
  };

  const run = async (req: Req): Promise<Res> => {
    const field = req.call;
    if (!field) throw invalidArgument('SyscallRequest names no syscall: set one field of its `call` oneof');
    if (field === 'sealed') return runSealed(req.sealed as SealedCall);
    const row = lookup(field);
    if (!row) throw unimplemented(`unknown syscall '${field}'`);
    const pending = kernel.dispatch(row.name, req[field], {
      door: 'session',
      token: req.authorization || streamToken,
      requestId: req.requestId || undefined,
      traceparent: req.traceparent || streamTraceparent,
      source,
      deadline: req.timeoutMs > 0 ? Date.now() + req.timeoutMs : undefined,
    });
    const result = req.timeoutMs > 0 ? await withTimeout(pending, req.timeoutMs, row.name) : await pending;
    const watching = field === 'taskStatus' && (req[field] as { watch?: boolean }).watch === true && watchTask(req.requestId, result as Res);
    return { final: !watching, [field]: result };
  };

  const runSealed = async (sealed: SealedCall): Promise<Res> => {
    const channels = kernel.channels;
    // Checked as strictly as a request off the wire (wire.ts).
    const innerReq = decodeOrExplain('SyscallRequest', Buffer.from(channels.openSealed(sealed.channelId, sealed)));
    if (innerReq instanceof MalformedMessage) throw invalidArgument(`the sealed request: ${innerReq.message}`);
    const inner = innerReq as Req;
    let answer: Res;
    try {
      answer = { requestId: inner.requestId, code: OK, message: '', final: true, ...(await run(inner)) };
    } catch (err) {
      answer = { requestId: inner.requestId, ...errorFields(err) };
    }
    return { sealed: channels.seal(sealed.channelId, encode('SyscallResponse', answer)) };
  };

  // Streams every later state change of a task until it ends. The scheduler calls the
  // listener once at once with the current state: that one is the call's own answer.
  const watchTask = (requestId: string, initial: Res): boolean => {
    const scheduler = kernel.scheduler;
    if (TERMINAL.has(String(initial.state))) return false;
    let first = true;
    let stop: (() => void) | undefined;
    let done = false;
    const listener = (status: { state: string }) => {
      if (first) {
        first = false;
        return;
      }
      const final = TERMINAL.has(status.state);
      send({ requestId, code: OK, message: '', final, taskStatus: status });
      if (final) {
        done = true;
        if (stop) {
          stop();
          unwatch.delete(stop);
        }
        maybeEnd();
      }
    };
    stop = scheduler.watch(String(initial.taskId), listener as never);
    if (done) stop();
    else unwatch.add(stop);
    return !done;
  };

  call.on('data', (req: unknown) => {
    if (req instanceof MalformedMessage) {
      send({ requestId: '', code: grpcStatus('invalid_argument'), message: req.message, final: true });
      return;
    }
    const r = req as Req;
    inflight++;
    flow();
    run(r).then(
      (result) => send({ requestId: r.requestId, code: OK, message: '', final: true, ...result }, answered),
      (err) => send({ requestId: r.requestId, ...errorFields(err) }, answered),
    );
  });
  call.on('end', () => {
    ended = true;
    maybeEnd();
  });
  const cleanup = () => {
    for (const stop of unwatch) stop();
    unwatch.clear();
  };
  call.on('cancelled', cleanup);
  call.on('error', cleanup);
  call.on('close', cleanup);
}

/** About how many bytes an answer takes: its byte and string fields, which are what can be large. */
function sizeOf(v: unknown, depth = 0): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  if (typeof v !== 'object' || v === null || depth > 6) return 8;
  let n = 16;
  if (Array.isArray(v)) for (const x of v) n += sizeOf(x, depth + 1);
  else for (const k in v) n += sizeOf((v as Record<string, unknown>)[k], depth + 1);
  return n;
}

const OK = grpcStatus('ok');

function errorFields(err: unknown): Res {
  const { code, message } = answerOf(err);
  return { code: grpcStatus(code), message, final: true };
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(deadlineExceeded(`${name} did not finish within its ${ms} ms timeout`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
