// `camos driver new <name>`: a driver folder that builds, signs, loads and answers on the
// first try, wherever it is: source, manifest template, a test, and a package.json that
// depends on this camos by path (node_modules/camos links to it, as `npm install` would
// make it), so the test imports 'camos' with no install step and no network.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../base/root.ts';
import { WIT_WORLD } from '../drivers/abi.mjs';
import { ManifestTemplateSchema, type ManifestTemplate } from '../drivers/manifest.ts';

export class ScaffoldError extends Error {}

const source = (name: string) => `// ${name}: a camos driver. \`camos driver build\` compiles it into a component.
// Input: {"name": "Ada"}  Output: {"greeting": "Hello, Ada!"}
import { fail, json, log, JsonValue } from "camos-driver";

export function handle(input: Uint8Array): Uint8Array {
  const request = json.parseBytes(input);
  if (request === null || !request.isObject) return fail("input must be a JSON object: " + json.error());
  const name = request.get("name");
  if (name === null || !name.isString) return fail("input needs a string field 'name'");
  log.info("greeting " + name.string);
  return JsonValue.object().set("greeting", JsonValue.str("Hello, " + name.string + "!")).toBytes();
}
`;

const testSource = (name: string) => `// Builds ${name} from source, signs it with a key the kernel trusts, loads it and calls it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { buildDriver, createKernel, ensureLocalPublisher, signManifest } from 'camos';

test('${name} greets the name it is given', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), '${name}-'));
  const kernel = await createKernel({ config: { dataDir, logLevel: 'silent', drivers: { loadExamples: false, watch: false } } });
  try {
    const built = await buildDriver(fileURLToPath(new URL('..', import.meta.url)));
    const manifest = signManifest({ ...built.template, digest: built.digest }, ensureLocalPublisher(dataDir));
    await kernel.call('sys_driver_load', { manifestData: Buffer.from(JSON.stringify(manifest)), module: built.component });
    const res = await kernel.call('sys_driver_invoke', { name: '${name}', input: Buffer.from(JSON.stringify({ name: 'Ada' })) });
    assert.deepEqual(JSON.parse(Buffer.from(res.output).toString()), { greeting: 'Hello, Ada!' });
  } finally {
    await kernel.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
`;

// `camos/register` lets Node load camos's TypeScript sources (through camos's own tsx).
const packageJson = (name: string) =>
  JSON.stringify(
    {
      name: `${name}-driver`,
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: { test: 'node --import camos/register --test test/*.test.ts' },
      devDependencies: { camos: `file:${ROOT}` },
    },
    null,
    2,
  ) + '\n';

/** Writes the driver's source, manifest template, test, package.json and .gitignore, and links node_modules/camos. */
export function scaffoldDriver(dir: string, name: string, opts: { description?: string } = {}): { dir: string; files: string[] } {
  dir = resolve(dir);
  const template: ManifestTemplate = {
    name,
    version: '0.1.0',
    description: opts.description ?? `${name}: greets the name it is given`,
    kind: 'component',
    world: WIT_WORLD,
    capabilities: { imports: ['log'], context: { read: [], write: [] } },
    limits: { maxMemoryPages: 2, timeoutMs: 1000, maxOutputBytes: 65536 },
  };
  const parsed = ManifestTemplateSchema.safeParse(template);
  if (!parsed.success) throw new ScaffoldError(`cannot scaffold '${name}': ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new ScaffoldError(`${dir} exists and is not empty; choose a new directory`);
  const files = {
    [join(dir, 'assembly', 'index.ts')]: source(name),
    [join(dir, 'manifest.json')]: JSON.stringify(template, null, 2) + '\n',
    [join(dir, 'test', `${name}.test.ts`)]: testSource(name),
    [join(dir, 'package.json')]: packageJson(name),
    [join(dir, '.gitignore')]: 'build/\nnode_modules/\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  const link = join(dir, 'node_modules', 'camos');
  mkdirSync(join(link, '..'), { recursive: true });
  symlinkSync(ROOT, link, 'dir');
  return { dir, files: [...Object.keys(files), `${link} -> ${ROOT}`] };
}
