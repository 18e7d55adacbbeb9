// Run by bench/audit.ts in a fresh process (node --expose-gc --import tsx): the memory and
// time the question parser's parts take when they load, each measured after a full GC:
// NLP.js trained on host/audit/nl-train.json, then chrono-node (which the time windows use).
import { intentClassifier } from '../host/audit/understand.ts';
import { findWindow } from '../host/audit/window.ts';

const gc = (globalThis as { gc?: () => void }).gc!;
const mb = () => {
  gc();
  gc();
  return process.memoryUsage();
};
const before = mb();
let t0 = performance.now();
await intentClassifier();
const trainMs = performance.now() - t0;
const trained = mb();
t0 = performance.now();
findWindow('since yesterday 3pm', Date.now(), 'UTC');
const chronoMs = performance.now() - t0;
const withChrono = mb();
const d = (a: NodeJS.MemoryUsage, b: NodeJS.MemoryUsage) => ({ rssMB: Math.round((b.rss - a.rss) / 1e5) / 10, heapMB: Math.round((b.heapUsed - a.heapUsed) / 1e5) / 10 });
console.log(JSON.stringify({ nlpjs: { loadAndTrainMs: Math.round(trainMs), ...d(before, trained) }, chrono: { loadMs: Math.round(chronoMs), ...d(trained, withChrono) } }));
