// Runs the real `camos` CLI in child processes.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CAMOS = fileURLToPath(new URL('../../bin/camos.mjs', import.meta.url));
const run = promisify(execFile);

/** Runs `camos <args>` to completion; never rejects: returns code, stdout, stderr. */
export async function camos(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CAMOS, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface KernelProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `camos start` in a child process and resolves once it listens. */
export function startKernelProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<KernelProcess> {
  const child = spawn(process.execPath, [CAMOS, 'start', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on [\d.]+:(\d+)/);
      if (m) resolve({ child, port: Number(m[1]), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then((code) => reject(new Error(`camos start exited with ${code}: ${out}`)));
  });
}
