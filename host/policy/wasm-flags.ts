// Imported before Cedar's WebAssembly (cedar.ts), for the resident memory it leaves behind.
// Cedar's first calls (parsing the schema and the policies) run long enough that V8 tiers
// dozens of its large functions up to the optimizing compiler, by default on as many
// background threads as it likes. Each compile job holds its own scratch memory, so the
// peak is their sum: about 60 MB malloc'd at once, which the allocator keeps mapped after.
// One compile task at a time gives the same optimized code with a peak of one job's
// memory: an idle kernel measured about 40 MB smaller (docs/BENCHMARKS.md, "syscalls").
// The flag is process-wide; drivers' modules compile lazily, a function at a time on
// first call, so they do not miss the parallelism.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--wasm-num-compilation-tasks=1');
