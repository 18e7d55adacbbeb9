// `camos driver new --kind wasi-command --lang c NAME`: a C program that reads stdin and
// answers on stdout, its manifest template, and a .gitignore; `camos driver build` builds it.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManifestTemplateSchema } from '../manifest.ts';
import { DriverBuildError } from '../build.ts';

/** Languages a wasi-command driver can be scaffolded in. */
export const WASI_LANGS = ['c'] as const;

const source = (name: string) => `// ${name}: a wasi-command driver. Its input is on stdin, its answer goes to stdout; what it
// writes on stderr becomes the kernel's log lines, and a non-zero exit is its error.
#include <stdio.h>

int main(void) {
  char buf[4096];
  size_t n, total = 0;
  fputs("hello, ", stdout);
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    fwrite(buf, 1, n, stdout);
    total += n;
  }
  if (total == 0) {
    fprintf(stderr, "${name}: no name given on stdin\\n");
    return 1;
  }
  fprintf(stderr, "${name}: greeted %zu bytes\\n", total);
  return 0;
}
`;

export function scaffoldWasiDriver(dir: string, name: string, lang: string): { dir: string; files: string[] } {
  if (!(WASI_LANGS as readonly string[]).includes(lang)) throw new DriverBuildError(`a wasi-command driver can be scaffolded in ${WASI_LANGS.join(', ')}, not '${lang}' (any language that compiles to WASI preview 1 with _start can be loaded: build it yourself)`);
  dir = resolve(dir);
  const template = {
    name,
    version: '0.1.0',
    description: `${name}: greets the name it is given on stdin`,
    kind: 'wasi-command',
    capabilities: { imports: ['log'] },
    limits: { maxMemoryPages: 16, timeoutMs: 10000, maxOutputBytes: 65536 },
  };
  const parsed = ManifestTemplateSchema.safeParse(template);
  if (!parsed.success) throw new DriverBuildError(`cannot scaffold '${name}': ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new DriverBuildError(`${dir} exists and is not empty; choose a new directory`);
  const files = {
    [join(dir, 'src', `${name}.c`)]: source(name),
    [join(dir, 'manifest.json')]: JSON.stringify(template, null, 2) + '\n',
    [join(dir, '.gitignore')]: 'build/\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return { dir, files: Object.keys(files) };
}
