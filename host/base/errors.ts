// Errors are values with a gRPC status code and a message a person can act on.
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type CodeName = keyof typeof Code;
export type CodeValue = (typeof Code)[CodeName];

const names = Object.fromEntries(Object.entries(Code).map(([k, v]) => [v, k])) as Record<number, CodeName>;
export const codeName = (code: number): CodeName => names[code] ?? 'UNKNOWN';

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
  readonly code: CodeValue;
  /** Structured facts for the audit record; never sent to the caller. */
  readonly details?: Record<string, unknown>;

  constructor(code: CodeValue, message: string, details?: Record<string, unknown>) {
    super(bounded(message));
    this.name = 'SyscallError';
    this.code = code;
    this.details = details;
  }
}

export const invalidArgument = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.INVALID_ARGUMENT, m, d);
export const notFound = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.NOT_FOUND, m, d);
export const alreadyExists = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.ALREADY_EXISTS, m, d);
export const failedPrecondition = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.FAILED_PRECONDITION, m, d);
export const permissionDenied = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.PERMISSION_DENIED, m, d);
export const resourceExhausted = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.RESOURCE_EXHAUSTED, m, d);
export const unauthenticated = (m: string) => new SyscallError(Code.UNAUTHENTICATED, m);
export const unimplemented = (m: string) => new SyscallError(Code.UNIMPLEMENTED, m);
export const deadlineExceeded = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.DEADLINE_EXCEEDED, m, d);
export const aborted = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.ABORTED, m, d);
export const unavailable = (m: string) => new SyscallError(Code.UNAVAILABLE, m);
export const internal = (m: string) => new SyscallError(Code.INTERNAL, m);
export const dataLoss = (m: string, d?: Record<string, unknown>) => new SyscallError(Code.DATA_LOSS, m, d);

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
