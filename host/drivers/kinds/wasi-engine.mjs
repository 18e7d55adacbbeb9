// A wasi-command engine: a thread of the kernel's that hosts one @wasmer/sdk client for one
// driver and runs one call of its program at a time. The SDK runs the guest on threads of
// its own, nested in this one; its kill() stops a guest only at a WASI call, so a program
// that loops without one is stopped by terminating this thread, which ends them all.
// Plain JavaScript: a thread needs no TypeScript loader (threads.mjs).
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Wasmer } from '@wasmer/sdk/node';
/** @typedef {import('../messages.d.mts').EngineAnswer} EngineAnswer */
/** @typedef {import('../messages.d.mts').EngineCall} EngineCall */
/** @typedef {import('../messages.d.mts').EngineMessage} EngineMessage */
/** @typedef {import('../messages.d.mts').WasiProgramSpec} WasiProgramSpec */

/** The most of a program's stderr kept per call: its tail names the failure. */
const STDERR_TAIL_BYTES = 2048;
const MAX_LOG_LINES = 64;
const MAX_LOG_LINE_CHARS = 1024;

const { module, args, env, maxOutputBytes, log, fs } = /** @type {WasiProgramSpec} */ (workerData);
/** The grant's path as the SDK takes it: relative to /workspace. */
const mount = fs ? fs.path.replace(/^\/workspace\/?/, '') : '';
let program;
try {
  // No cache: the module comes from its verified bytes, never from a registry or the disk.
  const wasmer = new Wasmer({ cache: false });
  const pkg = await wasmer.packages.load(module);
  // With a directory grant each call gets a new sandbox holding the directory's files as
  // they are then (the SDK mounts no host directory); without, one sandbox serves every call.
  const sandbox = fs ? undefined : await wasmer.sandboxes.create({ packages: [pkg], network: { mode: 'disabled' }, env: {} });
  program = { wasmer, pkg, sandbox };
  parentPort.postMessage(/** @type {EngineMessage} */ ({ type: 'ready' }));
} catch (e) {
  parentPort.postMessage(/** @type {EngineMessage} */ ({ type: 'failed', message: firstLine(e) }));
}

parentPort.on('message', async (/** @type {EngineCall} */ { id, input, env: set }) => {
  const answer = await run(input, set ? { ...env, ...set } : env).catch((e) => ({ logs: [], error: { code: 'TRAP', message: firstLine(e) } }));
  parentPort.postMessage(/** @type {EngineMessage} */ ({ type: 'answer', id, answer }), answer.output ? [answer.output.buffer] : []);
});

async function run(input, env) {
  if (!fs) return runIn(program.sandbox, input, env);
  const files = {};
  let size = 0;
  for (const [rel, bytes] of hostFiles(fs.hostDir)) {
    files[mount ? `${mount}/${rel}` : rel] = bytes;
    size += bytes.length;
  }
  if (size > fs.maxBytes) return { logs: [], error: { code: 'OUTPUT_TOO_LARGE', message: `its directory ${fs.hostDir} holds ${size} bytes, over its fs.maxBytes of ${fs.maxBytes}` } };
  const sandbox = await program.wasmer.sandboxes.create({ packages: [program.pkg], network: { mode: 'disabled' }, env: {}, files });
  try {
    if (mount) await sandbox.fs.mkdir(`/workspace/${mount}`, { recursive: true });
    const answer = await runIn(sandbox, input, env);
    if (fs.mode === 'read-write' && !answer.error) {
      const kept = await sandboxFiles(sandbox, `/workspace${mount ? `/${mount}` : ''}`, '', fs.maxBytes);
      if (!kept) return { logs: answer.logs, error: { code: 'OUTPUT_TOO_LARGE', message: `wrote more than its fs.maxBytes of ${fs.maxBytes} bytes into ${fs.path}; nothing it wrote was kept` } };
      replaceDir(fs.hostDir, kept);
    }
    return answer;
  } finally {
    await sandbox.close().catch(() => {});
  }
}

/** [path relative to dir, bytes] of every regular file under dir; a symbolic link is not followed. */
function hostFiles(dir, rel = '') {
  const out = [];
  for (const name of readdirSync(join(dir, rel))) {
    const path = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(dir, path));
    if (st.isDirectory()) out.push(...hostFiles(dir, path));
    else if (st.isFile()) out.push([path, new Uint8Array(readFileSync(join(dir, path)))]);
  }
  return out;
}

/** The files under a sandbox directory, or undefined past `budget` bytes in all. */
async function sandboxFiles(sandbox, dir, rel, budget) {
  const out = [];
  let size = 0;
  for (const entry of await sandbox.fs.readDir(rel ? `${dir}/${rel}` : dir)) {
    // A name is one path segment, never '.' or '..': what the guest wrote cannot name a host path outside.
    if (!entry.name || entry.name === '.' || entry.name === '..' || /[\/\0]/.test(entry.name)) continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.kind === 'dir') {
      const inner = await sandboxFiles(sandbox, dir, path, budget - size);
      if (!inner) return undefined;
      for (const f of inner) (size += f[1].length), out.push(f);
    } else if (entry.kind === 'file') {
      const bytes = await sandbox.fs.readFile(`${dir}/${path}`);
      size += bytes.length;
      out.push([path, bytes]);
    }
    if (size > budget) return undefined;
  }
  return out;
}

/** Makes dir hold exactly `files`: written beside it, then swapped in. */
function replaceDir(dir, files) {
  const next = `${dir}.next-${process.pid}-${Date.now()}`;
  for (const [path, bytes] of files) {
    mkdirSync(join(next, path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(join(next, path), bytes, { mode: 0o600 });
  }
  mkdirSync(next, { recursive: true, mode: 0o700 });
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  renameSync(dir, old);
  renameSync(next, dir);
  rmSync(old, { recursive: true, force: true });
}

async function runIn(sandbox, input, env) {
  const proc = await sandbox.command(program.pkg, args, { env }).spawn({ stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
  // Stdin is written beside the reads: a program that does not read it must not stall them.
  void proc.stdin.write(input).then(() => proc.stdin.close()).catch(() => {});
  const stderr = readTail(proc.stderr);
  const out = [];
  let size = 0;
  for await (const chunk of proc.stdout) {
    size += chunk.length;
    if (size > maxOutputBytes) {
      // Answered at once and this thread retired (terminated): the SDK's kill() can take its
      // time, or not return, while the guest writes on.
      void proc.kill().catch(() => {});
      return { logs: [], retire: true, error: { code: 'OUTPUT_TOO_LARGE', message: `wrote more than its ${maxOutputBytes} bytes of output (limits.maxOutputBytes); it was stopped` } };
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
