// camos: the command-line interface. Each host/cli/<area>.ts module adds its commands.
import { readdirSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { fromRoot } from '../base/root.ts';

// Command modules import their heavy parts inside their actions, so `camos --help` stays fast.
const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version;

const program = new Command('camos')
  .description('camos: a cognitive operating-system kernel for AI agents')
  .version(VERSION)
  .showHelpAfterError()
  .enablePositionalOptions();

// The command modules beside this one: .ts from the sources, .js when compiled (build/js).
const dir = new URL('.', import.meta.url);
const ext = import.meta.url.slice(import.meta.url.lastIndexOf('.'));
const modules = readdirSync(dir)
  .filter((f) => f.endsWith(ext) && !['main', 'client', 'common'].includes(f.slice(0, -ext.length)))
  .sort((a, b) => (a === `kernel${ext}` ? -1 : b === `kernel${ext}` ? 1 : a.localeCompare(b)));
for (const f of modules) {
  const mod = await import(new URL(f, dir).href);
  if (typeof mod.register === 'function') mod.register(program);
}

await program.parseAsync(process.argv);
