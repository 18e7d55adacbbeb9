// How an error is answered, in one place for every door: a SyscallError's code and message
// as they are; anything else INTERNAL, saying nothing of its cause (the pipeline has logged
// it). Its gRPC status, and its HTTP status (as grpc-gateway maps them).
import type * as grpc from '@grpc/grpc-js';
import { Code, SyscallError, type CodeValue } from '../base/errors.ts';

/** What the caller is told of an error. */
export function answerOf(err: unknown): { code: CodeValue; message: string } {
  if (err instanceof SyscallError) return { code: err.code, message: err.message };
  return { code: Code.INTERNAL, message: 'internal error' };
}

/** An error as a unary gRPC call's status. */
export function grpcStatusOf(err: unknown): Partial<grpc.StatusObject> {
  const { code, message } = answerOf(err);
  return { code: code as number, details: message };
}

/** HTTP status for each gRPC code (as grpc-gateway maps them). */
const HTTP_STATUS: Record<number, number> = {
  [Code.OK]: 200,
  [Code.CANCELLED]: 499,
  [Code.UNKNOWN]: 500,
  [Code.INVALID_ARGUMENT]: 400,
  [Code.DEADLINE_EXCEEDED]: 504,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.PERMISSION_DENIED]: 403,
  [Code.RESOURCE_EXHAUSTED]: 429,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.ABORTED]: 409,
  [Code.OUT_OF_RANGE]: 400,
  [Code.UNIMPLEMENTED]: 501,
  [Code.INTERNAL]: 500,
  [Code.UNAVAILABLE]: 503,
  [Code.DATA_LOSS]: 500,
  [Code.UNAUTHENTICATED]: 401,
};

export const httpStatusOf = (code: number) => HTTP_STATUS[code] ?? 500;
