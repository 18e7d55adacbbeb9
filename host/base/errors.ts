// Errors are values: a code saying what kind of failure it is, in a word a person reads,
// and a message a person can act on. The codes are a closed set, the canonical error model
// that gRPC, Google's APIs and grpc-gateway share; how one travels (a gRPC status, an HTTP
// status) is the doors' business (doors/status.ts), how the audit log stores it the log's
// (audit/record.ts).
export const Code = {
  OK: 'ok',
  CANCELLED: 'cancelled',
  UNKNOWN: 'unknown',
  INVALID_ARGUMENT: 'invalid_argument',
  DEADLINE_EXCEEDED: 'deadline_exceeded',
  NOT_FOUND: 'not_found',
  ALREADY_EXISTS: 'already_exists',
  PERMISSION_DENIED: 'permission_denied',
  RESOURCE_EXHAUSTED: 'resource_exhausted',
  FAILED_PRECONDITION: 'failed_precondition',
  ABORTED: 'aborted',
  OUT_OF_RANGE: 'out_of_range',
  UNIMPLEMENTED: 'unimplemented',
  INTERNAL: 'internal',
  UNAVAILABLE: 'unavailable',
  DATA_LOSS: 'data_loss',
  UNAUTHENTICATED: 'unauthenticated',
} as const;

/** How a call ended: 'ok', or what kind of failure. */
export type Code = (typeof Code)[keyof typeof Code];
/** What kind of failure a SyscallError is. */
export type ErrorCode = Exclude<Code, 'ok'>;

/** A code as the CLI, the HTTP door's JSON and the metrics' labels spell it: NOT_FOUND. */
export const codeName = (code: Code): string => code.toUpperCase();

/** Characters of a caller's name (a field path, a map key, an id) an error message quotes in full. */
const QUOTED_MAX = 64;
/** Characters of an error message, at most. */
const MESSAGE_MAX = 2048;

/**
 * A caller's name as an error message quotes it: its first characters, and its length when
 * longer. A message travels back in the gRPC status's `grpc-message` header: a 70 KB map key
 * quoted in a validation error made a header block the client refused, which left that call,
 * and every call behind it on the connection, unanswered (found by bench/faults.ts).
 */
export const quoted = (name: string): string => (name.length <= QUOTED_MAX ? name : `${name.slice(0, QUOTED_MAX - 16)}… (${name.length} characters)`);

/** The same bound on a whole message, whatever it quotes. */
const bounded = (message: string): string => (message.length <= MESSAGE_MAX ? message : `${message.slice(0, MESSAGE_MAX - 40)}… (${message.length} characters in all)`);

export class SyscallError extends Error {
  readonly code: ErrorCode;
  /** Structured facts for the audit record; never sent to the caller. */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(bounded(message));
    this.name = 'SyscallError';
    this.code = code;
    this.details = details;
  }
}

export const invalidArgument = (m: string, d?: Record<string, unknown>) => new SyscallError('invalid_argument', m, d);
export const notFound = (m: string, d?: Record<string, unknown>) => new SyscallError('not_found', m, d);
export const alreadyExists = (m: string, d?: Record<string, unknown>) => new SyscallError('already_exists', m, d);
export const failedPrecondition = (m: string, d?: Record<string, unknown>) => new SyscallError('failed_precondition', m, d);
export const permissionDenied = (m: string, d?: Record<string, unknown>) => new SyscallError('permission_denied', m, d);
export const resourceExhausted = (m: string, d?: Record<string, unknown>) => new SyscallError('resource_exhausted', m, d);
export const unauthenticated = (m: string) => new SyscallError('unauthenticated', m);
export const unimplemented = (m: string) => new SyscallError('unimplemented', m);
export const deadlineExceeded = (m: string, d?: Record<string, unknown>) => new SyscallError('deadline_exceeded', m, d);
export const unavailable = (m: string) => new SyscallError('unavailable', m);
export const internal = (m: string, d?: Record<string, unknown>) => new SyscallError('internal', m, d);
export const dataLoss = (m: string, d?: Record<string, unknown>) => new SyscallError('data_loss', m, d);
export const aborted = (m: string, d?: Record<string, unknown>) => new SyscallError('aborted', m, d);
export const cancelled = (m: string, d?: Record<string, unknown>) => new SyscallError('cancelled', m, d);

/**
 * What a storage error (SQLite's SQLITE_* codes, Node's E* codes) says about the machine, in
 * words, or undefined when it is not one (a bug, answered as INTERNAL). `what` names the file.
 */
export function storageCause(code: string, what: string): string | undefined {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return `the disk holding ${what} is full`;
  if (code === 'EMFILE' || code === 'ENFILE' || code === 'SQLITE_CANTOPEN') return `${what} cannot be opened (${code}: out of file descriptors, or the file is gone)`;
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return `reading or writing ${what} failed (${code}: an I/O error)`;
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `${what} cannot be written (${code})`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `${what} is corrupt (${code})`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `${what} is locked by another connection (${code})`;
  if (code === 'SQLITE_NOMEM' || code === 'ENOMEM') return `the kernel is out of memory (${code})`;
  return undefined;
}

/** A storage error as the caller sees it: a full disk is RESOURCE_EXHAUSTED, any other fault of the machine UNAVAILABLE. */
export function storageFault(err: unknown, what: string): SyscallError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const cause = typeof code === 'string' ? storageCause(code, (err as { path?: string }).path ?? what) : undefined;
  if (!cause) return undefined;
  const message = `${cause}: the kernel refuses what it cannot store until that is fixed, and serves reads meanwhile`;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' ? resourceExhausted(message) : unavailable(message);
}
