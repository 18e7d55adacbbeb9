// The canonical ABI of the camos:driver world on the guest side: the allocator the host
// lowers lists into, and the lifting/lowering of handle's arguments and result. The
// generated build entry wires a driver's `handle`/`init` to these.
import { takeError } from "./result";

/** cabi_realloc(oldPtr, oldSize, align, newSize): the host allocates guest memory here. */
export function cabi_realloc(oldPtr: usize, oldSize: usize, align: usize, newSize: usize): usize {
  // The stub runtime aligns every block to 16 bytes, which covers every canonical alignment.
  if (oldPtr == 0) return heap.alloc(newSize);
  return heap.realloc(oldPtr, newSize);
}

/** Copies list<u8> (ptr, len) lowered by the host into a managed array. */
export function liftBytes(ptr: usize, len: usize): Uint8Array {
  const out = new Uint8Array(<i32>len);
  memory.copy(out.dataStart, ptr, len);
  return out;
}

// result<list<u8>, string>: u8 discriminant at +0, i32 ptr at +4, i32 len at +8.
const RET_AREA: usize = memory.data(12, 4);

/** Lowers handle's result into the return area; a pending `fail(...)` wins over the output. */
export function lowerResult(output: Uint8Array): usize {
  const error = takeError();
  if (error !== null) {
    const message = String.UTF8.encode(error);
    store<u8>(RET_AREA, 1);
    store<u32>(RET_AREA, <u32>changetype<usize>(message), 4);
    store<u32>(RET_AREA, <u32>message.byteLength, 8);
  } else {
    store<u8>(RET_AREA, 0);
    store<u32>(RET_AREA, <u32>output.dataStart, 4);
    store<u32>(RET_AREA, <u32>output.byteLength, 8);
  }
  return RET_AREA;
}

/** Reads option<list<u8>> written by the host at `ret`. */
export function liftOptionalBytes(ret: usize): Uint8Array | null {
  if (load<u8>(ret) == 0) return null;
  return liftBytes(<usize>load<u32>(ret, 4), <usize>load<u32>(ret, 8));
}

/** Where the host writes context-read's option<list<u8>>. */
export const OPTION_AREA: usize = memory.data(12, 4);

/** abort() of AssemblyScript (failed assertion, out-of-bounds access, throw): trap. */
export function driverAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
