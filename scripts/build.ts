// Builds the WebAssembly the kernel needs, so that the first `npm start` is quick: the
// shipped example drivers (AssemblyScript -> core module -> component) and the scheduler's
// priority heap. Run by `npm install` (prepare). The kernel builds anything missing on
// demand as well, so a failure here is reported and does not fail the install.
import { buildDriver, shippedDriverDirs } from '../host/drivers/build.ts';
import { buildWasiDriver, shippedWasiDriverDirs } from '../host/drivers/kinds/wasi-build.ts';
import { heapModule } from '../host/scheduler/wasm-heap.ts';

const started = Date.now();
try {
  await heapModule();
  for (const dir of shippedDriverDirs()) {
    const b = await buildDriver(dir);
    console.log(`camos: built driver ${b.name}@${b.version} (${b.component.length} bytes, ${b.digest})`);
  }
  for (const dir of shippedWasiDriverDirs()) {
    try {
      const b = buildWasiDriver(dir);
      console.log(`camos: built wasi-command driver ${b.name}@${b.version} (${b.module.length} bytes, ${b.digest})`);
    } catch (e) {
      // Without clang a C example is skipped, saying which packages to install.
      console.warn(`camos: wasi-command driver ${dir} not built: ${(e as Error).message}`);
    }
  }
  console.log(`camos: WebAssembly built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  console.warn(`camos: could not prebuild WebAssembly (${(e as Error).message}); the kernel will build it on first start`);
}
