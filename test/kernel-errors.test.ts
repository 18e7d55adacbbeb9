// Domain error codes (host/base/errors.ts) and how they travel (host/doors/status.ts) and are
// stored (host/audit/record.ts): the numbers on the wire and in the audit log are gRPC's, as
// they were before the codes became names, and each mapping goes both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, codeName, invalidArgument } from '../host/base/errors.ts';
import { answerOf, codeOfGrpc, grpcStatus, grpcStatusOf, httpStatusOf } from '../host/doors/status.ts';
import { codeOfStored, storedCode } from '../host/audit/index.ts';

// [code, gRPC status, HTTP status as grpc-gateway maps it]: what outside clients read.
const WIRE: [Code, number, number][] = [
  ['ok', 0, 200],
  ['cancelled', 1, 499],
  ['unknown', 2, 500],
  ['invalid_argument', 3, 400],
  ['deadline_exceeded', 4, 504],
  ['not_found', 5, 404],
  ['already_exists', 6, 409],
  ['permission_denied', 7, 403],
  ['resource_exhausted', 8, 429],
  ['failed_precondition', 9, 400],
  ['aborted', 10, 409],
  ['out_of_range', 11, 400],
  ['unimplemented', 12, 501],
  ['internal', 13, 500],
  ['unavailable', 14, 503],
  ['data_loss', 15, 500],
  ['unauthenticated', 16, 401],
];

test('every code travels as the gRPC and HTTP status it always did, is stored as that number, and reads back', () => {
  assert.deepEqual(WIRE.map(([c]) => c).sort(), Object.values(Code).sort());
  for (const [code, grpc, http] of WIRE) {
    assert.equal(grpcStatus(code), grpc, code);
    assert.equal(httpStatusOf(code), http, code);
    assert.equal(codeOfGrpc(grpc), code);
    assert.equal(storedCode(code), grpc, `${code} as the audit log stores it`);
    assert.equal(codeOfStored(grpc), code);
  }
  assert.equal(codeOfGrpc(99), 'unknown');
  assert.equal(codeOfStored(99), 'unknown');
});

test('codes are names a person reads; the CLI and metrics spell them as gRPC does', () => {
  assert.equal(Code.NOT_FOUND, 'not_found');
  assert.equal(codeName('resource_exhausted'), 'RESOURCE_EXHAUSTED');
});

test('an error answers with its code and message; anything else is INTERNAL and says nothing of its cause', () => {
  assert.deepEqual(grpcStatusOf(invalidArgument("field 'x': bad")), { code: 3, details: "field 'x': bad" });
  assert.deepEqual(answerOf(new Error('secret path /etc/x')), { code: 'internal', message: 'internal error' });
});
