// The short form of `npm run bench -- federation --chaos`: three kernels in child processes
// and one nats-server for 20 s of random writes and compare-and-set races, with a kernel
// SIGKILLed and restarted, NATS restarted and a kernel cut off from NATS; then every
// acknowledged write must be on every kernel with its bytes, the kernels must agree on
// every key's history and latest, and no compare-and-set may have won twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { natsMissing } from '../helpers/nats.ts';

test('federation chaos: every acknowledged write everywhere, one history, no compare-and-set won twice', { skip: natsMissing, timeout: 240_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'federation', '--chaos', '--seconds', '20', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const result = JSON.parse(out.slice(out.indexOf('{')));
  const n = Object.fromEntries(result.rows.map((r: { what: string; n: number }) => [r.what, r.n]));
  assert.deepEqual(result.anomaly_list, [], `seed ${result.seed}`);
  assert.equal(code, 0, err.slice(-2000));
  assert.ok(n.writesAcknowledged > 50, 'writes were acknowledged');
  assert.ok(n.casRaces > 5 && n.casWon > 0 && n.casAborted > 0, 'compare-and-set races were run and decided');
  assert.ok(n.kernelKills >= 1 && n.natsRestarts >= 1 && n.partitions >= 1, `one fault of each kind (${JSON.stringify(n)})`);
  assert.ok(n.keysChecked > 0 && n.versionsChecked >= n.writesAcknowledged * 3, 'every acknowledged write checked on the three kernels');
});
