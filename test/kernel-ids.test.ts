// Ids the kernel makes: request ids unique per kernel; trace, task and decision ids that
// begin with the time, so that the audit log's indexes on them grow at their end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextRequestId, randomHex, timeOrderedHex } from '../host/base/ids.ts';

test('time-ordered ids are hex of the asked length, start with the time in ms, and sort by it', async () => {
  const first = timeOrderedHex(16);
  assert.match(first, /^[0-9a-f]{32}$/);
  assert.ok(Math.abs(parseInt(first.slice(0, 12), 16) - Date.now()) < 1000, 'the first six bytes are the time in ms');
  await new Promise((r) => setTimeout(r, 5));
  const later = timeOrderedHex(16);
  assert.ok(later > first, 'an id made later sorts after');
  assert.match(timeOrderedHex(10), /^[0-9a-f]{20}$/);
});

test('ids made in the same millisecond still differ', () => {
  const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedHex(10)));
  assert.equal(ids.size, 10_000);
  const requests = new Set(Array.from({ length: 10_000 }, () => nextRequestId()));
  assert.equal(requests.size, 10_000);
  assert.match(randomHex(8), /^[0-9a-f]{16}$/);
});
