// How a code travels, in one place for every door: its gRPC status (the unary door, the
// Session stream's `code`, the CLI's client reading it back) and its HTTP status (as
// grpc-gateway maps them). What the caller is told of an error: a SyscallError's code and
// message as they are; anything else INTERNAL, saying nothing of its cause (the pipeline has
// logged it).
import { status, type StatusObject } from '@grpc/grpc-js';
import { SyscallError, type Code } from '../base/errors.ts';

const GRPC: Readonly<Record<Code, status>> = {
  ok: status.OK,
  cancelled: status.CANCELLED,
  unknown: status.UNKNOWN,
  invalid_argument: status.INVALID_ARGUMENT,
  deadline_exceeded: status.DEADLINE_EXCEEDED,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  permission_denied: status.PERMISSION_DENIED,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  failed_precondition: status.FAILED_PRECONDITION,
  aborted: status.ABORTED,
  out_of_range: status.OUT_OF_RANGE,
  unimplemented: status.UNIMPLEMENTED,
  internal: status.INTERNAL,
  unavailable: status.UNAVAILABLE,
  data_loss: status.DATA_LOSS,
  unauthenticated: status.UNAUTHENTICATED,
};

const HTTP: Readonly<Record<Code, number>> = {
  ok: 200,
  cancelled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};

const BY_GRPC = new Map(Object.entries(GRPC).map(([code, n]) => [n as number, code as Code]));

/** The gRPC status a code travels as. */
export const grpcStatus = (code: Code): status => GRPC[code];

/** The code a gRPC status stands for; a status outside gRPC's set is UNKNOWN. */
export const codeOfGrpc = (n: number): Code => BY_GRPC.get(n) ?? 'unknown';

/** The HTTP status a code is answered with. */
export const httpStatusOf = (code: Code): number => HTTP[code];

/** What the caller is told of an error. */
export function answerOf(err: unknown): { code: Code; message: string } {
  if (err instanceof SyscallError) return { code: err.code, message: err.message };
  return { code: 'internal', message: 'internal error' };
}

/** An error as a unary gRPC call's status. */
export function grpcStatusOf(err: unknown): Partial<StatusObject> {
  const { code, message } = answerOf(err);
  return { code: GRPC[code], details: message };
}
