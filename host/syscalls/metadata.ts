// What the kernel takes of a call's metadata (headers, gRPC metadata, a Session request's
// own fields), and what it refuses: a request id is recorded in the call's audit record,
// so it is short and printable; a traceparent is 55 characters in W3C's version 00, and
// one far longer is no trace context.
import { SyscallError, invalidArgument } from '../base/errors.ts';

export const MAX_REQUEST_ID = 128;
export const MAX_TRACEPARENT = 512;
const REQUEST_ID = /^[\x21-\x7e]+$/;

/** A header the kernel refuses as too long: the HTTP door answers 431. */
export class HeaderTooLarge extends SyscallError {}

/** The first thing wrong with a call's request id or traceparent, or undefined. */
export function metadataProblem(meta: { requestId?: string; traceparent?: string }): SyscallError | undefined {
  const id = meta.requestId;
  if (id) {
    if (id.length > MAX_REQUEST_ID) return new HeaderTooLarge('resource_exhausted', `the request id (x-request-id, or request_id in a Session request) is ${id.length} characters; at most ${MAX_REQUEST_ID}`);
    if (!REQUEST_ID.test(id)) return invalidArgument('the request id (x-request-id, or request_id in a Session request) must be printable ASCII without spaces');
  }
  if (meta.traceparent && meta.traceparent.length > MAX_TRACEPARENT) {
    return new HeaderTooLarge('resource_exhausted', `the traceparent is ${meta.traceparent.length} characters; at most ${MAX_TRACEPARENT} (a W3C traceparent is 55)`);
  }
  return undefined;
}
