// Runs asc for build.ts on a thread of its own, plain JavaScript and started without the
// caller's loader flags: through a TypeScript loader's hooks (tsx, as the sources and a
// driver project's tests run), asc's 13 MB binaryen took ten times as long to import
// (13 s against 1 s, measured on a loaded 2-core machine), most of a build.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

/** workerData: { args, entry, entrySource, packagePrefix, sdkDir }; answers { binary?, stderr, error? }. */
const { args, entry, entrySource, packagePrefix, sdkDir } = workerData;
const { default: asc } = await import('assemblyscript/asc');
const stderr = asc.createMemoryStream();
let binary;
const result = await asc.main(args, {
  stdout: asc.createMemoryStream(),
  stderr,
  readFile: (name, baseDir) => {
    const path = resolve(baseDir, name);
    if (path === entry) return entrySource;
    // `import ... from "camos-driver"` reads the SDK.
    const mapped = path.startsWith(packagePrefix) ? join(sdkDir, path.slice(packagePrefix.length)) : path;
    try {
      return readFileSync(mapped, 'utf8');
    } catch {
      return null;
    }
  },
  writeFile: (name, contents) => {
    if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
  },
  listFiles: () => [],
});
parentPort.postMessage({ binary, stderr: stderr.toString(), error: result.error?.message });
