// camos: the command-line interface. Each host/cli/<area>.ts module adds its commands.
import { readdirSync, readFileSync } from 'node:fs';
import { Command } from 'commander';

// Command modules import their heavy parts inside their actions, so `camos --help` stays fast.
const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

const program = new Command('camos')
  .description('camos: a cognitive operating-system kernel for AI agents')
  .version(VERSION)
  .showHelpAfterError()
  .enablePositionalOptions();

const dir = new URL('.', import.meta.url);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !['main.ts', 'client.ts', 'common.ts'].includes(f))
  .sort((a, b) => (a === 'kernel.ts' ? -1 : b === 'kernel.ts' ? 1 : a.localeCompare(b)));
for (const f of modules) {
  const mod = await import(new URL(f, dir).href);
  if (typeof mod.register === 'function') mod.register(program);
}

await program.parseAsync(process.argv);
