// Start-up probe for bench/startup.ts (the same as worker-probe.mjs, as TypeScript through tsx).
import { parentPort } from 'node:worker_threads';
const message: string = 'up';
parentPort?.postMessage(message);
