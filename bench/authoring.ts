// `npm run bench -- authoring [--json] [--rounds N]`: the wall time from `camos driver new`
// to a signed driver answering a call, as docs/drivers.md's guide runs it, in four commands
// from a new directory outside the checkout, against a kernel running in another process
// (whose own publisher key, <data-dir>/keys/publisher.json, is the key already known):
//
//   camos driver new greeter
//   camos driver build greeter
//   camos driver load greeter --key <data-dir>/keys/publisher.json --address <a> -d <data-dir>
//   camos driver call greeter '{"name": "Ada"}' --address <a> -d <data-dir>
//
// Each round starts in a new directory, so nothing is cached from the round before. The
// load average is printed beside the times: the machine is shared.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledIsFresh } from '../scripts/compiled.mjs';
import { root, startKernel } from './_process.ts';
import { report, stats, type Row } from './lib.ts';

const at = process.argv.indexOf('--rounds');
const rounds = at > 0 ? Number(process.argv[at + 1]) : 3;
const cli = join(root, 'bin', 'camos.mjs');
const kernel = await startKernel();
const conn = ['--address', `127.0.0.1:${kernel.port}`, '-d', kernel.dataDir];
const key = join(kernel.dataDir, 'keys', 'publisher.json');
const steps: [string, string[]][] = [
  ['driver new', ['driver', 'new', 'greeter']],
  ['driver build', ['driver', 'build', 'greeter']],
  ['driver load --key', ['driver', 'load', 'greeter', '--key', key, ...conn]],
  ['driver call', ['driver', 'call', 'greeter', '{"name": "Ada"}', ...conn]],
];
const times = new Map<string, number[]>(steps.map(([name]) => [name, []]));
const totals: number[] = [];
const load: number[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    const work = mkdtempSync(join(tmpdir(), 'camos-authoring-'));
    load.push(loadavg()[0]);
    let total = 0;
    let answer = '';
    for (const [name, args] of steps) {
      const t = performance.now();
      answer = execFileSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8' });
      const ms = performance.now() - t;
      times.get(name)!.push(ms);
      total += ms;
    }
    if (JSON.parse(answer).greeting !== 'Hello, Ada!') throw new Error(`the driver answered ${answer}`);
    totals.push(total);
    rmSync(work, { recursive: true, force: true });
  }
} finally {
  kernel.child.kill('SIGTERM');
}

const row = (name: string, samples: number[]): Row => {
  const s = stats(samples);
  return { step: name, n: s.n, 'p50 s': s.p50 / 1000, 'max s': s.max / 1000 };
};
report('authoring: camos driver new -> a signed driver answering a call, four commands', [...[...times].map(([n, s]) => row(n, s)), row('total', totals)], {
  'load average (1 min) at each round': load.map((l) => l.toFixed(1)).join(', '),
  'CLI runs': compiledIsFresh(root) ? 'the compiled kernel (build/js)' : 'the TypeScript sources through tsx (build/js is older than the sources: npm run build)',
});
