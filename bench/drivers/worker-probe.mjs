// Start-up probe for bench/startup.ts: a worker that answers once it is running.
import { parentPort } from 'node:worker_threads';
parentPort?.postMessage('up');
