export {};
import { WasiCommandRunner } from './host/drivers/kinds/wasi-command.ts';
import { readFileSync } from 'node:fs';
const r = new WasiCommandRunner({ maxEnginesPerDriver: 1 });
const m = new Uint8Array(readFileSync('/tmp/wasi/hostile.wasm'));
const flood = r.prepare({ ref: 'f', module: m, args: ['flood'], env: {}, maxOutputBytes: 8192, log: false });
for (let i = 0; i < 12; i++) {
  const t0 = performance.now();
  const f = r.run(flood, new TextEncoder().encode('x'));
  const to = setTimeout(() => { console.log(i, 'flood still waiting at 8 s'); f.cancel(); }, 8000);
  console.log(i, await f.answer.then((a) => a.error?.code ?? 'ok', (e) => 'rejected ' + e.message), Math.round(performance.now() - t0));
  clearTimeout(to);
}
await r.close();
