// The signing thread (sign-thread.ts) of the noble backend: ML-DSA-65 signatures, which take
// 10–50 ms of CPU in JavaScript, made here rather than on the kernel's main thread. Plain
// JavaScript, so the thread starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { lowerPriority } from '../base/threads.mjs';

lowerPriority(workerData.nice);

parentPort.on('message', ({ id, message, secretKey }) => {
  try {
    const signature = ml_dsa65.sign(message, secretKey);
    parentPort.postMessage({ id, signature }, [signature.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
