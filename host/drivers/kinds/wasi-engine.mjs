// A wasi-command engine: a thread of the kernel's that hosts one @wasmer/sdk client for one
// driver and runs one call of its program at a time. The SDK runs the guest on threads of
// its own, nested in this one; its kill() stops a guest only at a WASI call, so a program
// that loops without one is stopped by terminating this thread, which ends them all.
// Plain JavaScript: a thread needs no TypeScript loader (threads.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { Wasmer } from '@wasmer/sdk/node';

/** The most of a program's stderr kept per call: its tail names the failure. */
const STDERR_TAIL_BYTES = 2048;
const MAX_LOG_LINES = 64;
const MAX_LOG_LINE_CHARS = 1024;

const { module, args, env, maxOutputBytes, log } = workerData;
let program;
try {
  // No cache: the module comes from its verified bytes, never from a registry or the disk.
  const wasmer = new Wasmer({ cache: false });
  const pkg = await wasmer.packages.load(module);
  const sandbox = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: 'disabled' }, env: {} });
  program = { pkg, sandbox };
  parentPort.postMessage({ type: 'ready' });
} catch (e) {
  parentPort.postMessage({ type: 'failed', message: firstLine(e) });
}

parentPort.on('message', async ({ id, input, env: set }) => {
  const answer = await run(input, set ? { ...env, ...set } : env).catch((e) => ({ logs: [], error: { code: 'TRAP', message: firstLine(e) } }));
  parentPort.postMessage({ type: 'answer', id, answer }, answer.output ? [answer.output.buffer] : []);
});

async function run(input, env) {
  const proc = await program.sandbox.command(program.pkg, args, { env }).spawn({ stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
  // Stdin is written beside the reads: a program that does not read it must not stall them.
  void proc.stdin.write(input).then(() => proc.stdin.close()).catch(() => {});
  const stderr = readTail(proc.stderr);
  const out = [];
  let size = 0;
  let overflow = false;
  for await (const chunk of proc.stdout) {
    size += chunk.length;
    if (size > maxOutputBytes) {
      overflow = true;
      await proc.kill().catch(() => {});
      break;
    }
    out.push(chunk);
  }
  let exit;
  try {
    exit = await proc.wait();
  } catch (e) {
    return { logs: log ? logLines(await stderr) : [], error: { code: 'TRAP', message: firstLine(e) } };
  }
  const err = await stderr;
  const logs = log ? logLines(err) : [];
  if (overflow) return { logs, error: { code: 'OUTPUT_TOO_LARGE', message: `wrote more than its ${maxOutputBytes} bytes of output (limits.maxOutputBytes); it was stopped` } };
  if (exit.exitCode !== 0 || exit.reason !== 'exited') {
    const tail = new TextDecoder().decode(err).trim();
    const how = exit.reason === 'exited' ? `exited with status ${exit.exitCode}` : `was ${exit.reason} (status ${exit.exitCode})`;
    return { logs, error: { code: 'DRIVER_ERROR', message: `${how}${tail ? `; stderr ends: ${tail}` : ' and wrote nothing on stderr'}` } };
  }
  return { logs, output: concat(out, size) };
}

/** The last STDERR_TAIL_BYTES of a stream, read to its end. */
async function readTail(stream) {
  let tail = new Uint8Array(0);
  for await (const chunk of stream) {
    const joined = concat([tail, chunk], tail.length + chunk.length);
    tail = joined.subarray(Math.max(0, joined.length - STDERR_TAIL_BYTES));
  }
  return tail;
}

function logLines(stderr) {
  const lines = new TextDecoder().decode(stderr).split('\n').filter((l) => l.trim());
  return lines.slice(-MAX_LOG_LINES).map((l) => ({ level: 'info', message: l.slice(0, MAX_LOG_LINE_CHARS) }));
}

function concat(parts, size) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, size - at), at);
    at += p.length;
  }
  return out;
}

/** An SDK error's first line (its message carries the engine's stack). */
function firstLine(e) {
  return String(e?.message ?? e).split('\n')[0].slice(0, 500);
}
