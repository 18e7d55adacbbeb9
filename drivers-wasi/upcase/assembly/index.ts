// upcase: a wasi-command driver in AssemblyScript (with @assemblyscript/wasi-shim): answers
// its stdin in upper case (ASCII letters) on stdout, and logs how much it changed.
const chunk = new ArrayBuffer(4096);
const view = Uint8Array.wrap(chunk);
let total = 0;
let changed = 0;
for (;;) {
  const n = process.stdin.read(chunk);
  if (n <= 0) break;
  for (let i = 0; i < n; i++) {
    const c = view[i];
    if (c >= 97 && c <= 122) {
      view[i] = c - 32;
      changed++;
    }
  }
  process.stdout.write(chunk.slice(0, n));
  total += n;
}
process.stderr.write(`upcase: ${changed} of ${total} bytes changed\n`);
