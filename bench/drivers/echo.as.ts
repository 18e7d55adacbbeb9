// The benchmark's camos driver, against the core ABI of camos:driver: copies its input
// into its own memory and answers it (the same work as the Extism plug-in in ../extism).
const RET = memory.data(12, 4);

export function cabi_realloc(oldPtr: usize, oldSize: usize, align: usize, newSize: usize): usize {
  return oldPtr ? heap.realloc(oldPtr, newSize) : heap.alloc(newSize);
}

export function handle(ptr: usize, len: usize): usize {
  const out = heap.alloc(len);
  memory.copy(out, ptr, len);
  store<u8>(RET, 0);
  store<u32>(RET, <u32>out, 4);
  store<u32>(RET, <u32>len, 8);
  return RET;
}
