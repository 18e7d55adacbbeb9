// The standing fault suite's short form (bench/faults.ts --quick): every door fuzzed from the
// proto, hostile drivers beside a steady one, slow and silent connections, descriptor
// exhaustion, a Session stream that never reads, a full disk, and kill -9 under mixed load,
// against a kernel in a child process. `npm run bench -- faults` is the long form.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BENCH = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

test('the fault suite finds no anomaly, loses no acknowledged write and needs no restart', { timeout: 600_000 }, async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', BENCH, 'faults', '--quick', '--json'], { maxBuffer: 64 << 20, timeout: 590_000 }).catch((e) => e);
  const r = JSON.parse(stdout.slice(stdout.indexOf('{')));
  t.diagnostic(`seed ${r.seed}: ${r.inputsTried} inputs, ${r.faultsInjected} faults, ${r.refusedCorrectly} refused correctly, ${r.acknowledgedWritesLost} writes lost`);
  assert.deepEqual(r.firstAnomalies, [], `reproduce with: npm run bench -- faults --quick --seed ${r.seed}`);
  assert.equal(r.acknowledgedWritesLost, 0);
  assert.equal(r.acknowledgedWritesUnaudited, 0);
  assert.equal(r.restartsNeeded, 0);
  // The suite did what it says: inputs on every door, faults injected, writes acknowledged and checked.
  assert.ok(r.inputsTried > 1000 && r.faultsInjected > 20 && r.refusedCorrectly > 500, JSON.stringify(r));
  assert.ok(r.rows.some((row: { phase: string; inputs: number }) => row.phase.startsWith('kills: acknowledged') && row.inputs > 100));
});
