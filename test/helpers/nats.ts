// A real nats-server with JetStream on a free port and a temporary store, for federation
// tests; `natsMissing` says why they skip where Debian's nats-server package is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

const found = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
export const natsMissing: string | false = found.status === 0 ? false : 'nats-server is not installed (Debian package nats-server)';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

export interface Nats {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: as a crash would), keeping its store. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** On `port` if given (a kernel may have been pointed at it before), else a free one. */
export async function startNats(port?: number): Promise<Nats> {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'camos-nats-'));
  let child: ChildProcess | undefined;
  const up = async () => {
    child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await reachable(port)); i++) await new Promise((r) => setTimeout(r, 25));
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGKILL');
    });
  };
  await up();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill,
    restart: up,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
