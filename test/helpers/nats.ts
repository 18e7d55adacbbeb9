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

/** A TCP proxy in front of a NATS server: a kernel pointed at it can be cut off (a partition) and healed. */
export interface Partitionable {
  url: string;
  /** Drops every connection through it and refuses new ones until `heal`. */
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function natsProxy(target: number): Promise<Partitionable> {
  const sockets = new Set<import('node:net').Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const cut = () => {
    open = false;
    for (const s of sockets) s.destroy();
  };
  return {
    url: `nats://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut,
    heal: () => void (open = true),
    close: () => {
      cut();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
