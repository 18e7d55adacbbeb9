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

export class SyscallError extends Error {
  readonly code: CodeValue;
  /** Structured facts for the audit record; never sent to the caller. */
  readonly details?: Record<string, unknown>;

  constructor(code: CodeValue, message: string, details?: Record<string, unknown>) {
    super(message);
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
export const unavailable = (m: string) => new SyscallError(Code.UNAVAILABLE, m);
export const internal = (m: string) => new SyscallError(Code.INTERNAL, m);
