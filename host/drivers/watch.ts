// Hot loading: a watched directory of manifests (<name>.manifest.json or any *.json, with
// the component beside it). A new or changed manifest is loaded; when it names another
// version than before, the old version is unloaded once its calls in flight finish; a
// removed manifest unloads its driver. Changes are debounced and applied one at a time.
import { existsSync, mkdirSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../telemetry/log.ts';
import { loadDriver } from './loader.ts';
import { parseRef, type DriverRuntime } from './runtime.ts';
import type { TrustStore } from './trust.ts';

const DEBOUNCE_MS = 100;

export class DriverWatcher {
  readonly dir: string;
  private readonly runtime: DriverRuntime;
  private readonly trust: TrustStore;
  private readonly log: Logger;
  private watcher?: FSWatcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Manifest file -> the name@version it loaded. */
  private readonly loaded = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(dir: string, runtime: DriverRuntime, trust: TrustStore, log: Logger) {
    this.dir = dir;
    this.runtime = runtime;
    this.trust = trust;
    this.log = log;
  }

  /** Loads every manifest already in the directory, then watches it. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir).filter(isManifest).sort()) await this.sync(f);
    this.watcher = watch(this.dir, (_event, file) => {
      if (file && isManifest(file)) this.schedule(file);
    });
    this.watcher.on('error', (e) => this.log.warn({ err: e, dir: this.dir }, 'driver directory watch failed'));
  }

  /** Resolves when every change seen so far has been applied (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  private schedule(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        this.queue = this.queue.then(() => (this.closed ? undefined : this.sync(file)));
      }, DEBOUNCE_MS),
    );
  }

  private async sync(file: string): Promise<void> {
    const path = join(this.dir, file);
    const before = this.loaded.get(path);
    try {
      if (!existsSync(path)) {
        if (before) {
          this.loaded.delete(path);
          await this.unload(before, path);
        }
        return;
      }
      const { driver } = await loadDriver(this.runtime, this.trust, { manifestPath: path }, { origin: path, audit: true });
      const ref = `${driver.name}@${driver.version}`;
      this.loaded.set(path, ref);
      if (before && before !== ref) await this.unload(before, path);
    } catch (e) {
      this.log.warn({ manifest: path, err: (e as Error).message }, `driver manifest ${file} not loaded`);
    }
  }

  private async unload(ref: string, path: string): Promise<void> {
    if ([...this.loaded.values()].includes(ref)) return; // another manifest still provides it
    const { name, version } = parseRef(ref);
    if (!this.runtime.has(ref)) return;
    await this.runtime.unload(name, version);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.queue;
  }
}

const isManifest = (file: string) => file.endsWith('.json') && !file.startsWith('.');
