// The Extism plug-in the startup benchmark compares with: the same work as
// ../drivers/echo.as.ts (copy the input into plug-in memory, answer it), written against
// Extism's host ABI (extism:host/env). For the benchmark only.
@external("extism:host/env", "input_length")
declare function input_length(): i64;
@external("extism:host/env", "input_load_u64")
declare function input_load_u64(offset: i64): i64;
@external("extism:host/env", "input_load_u8")
declare function input_load_u8(offset: i64): u8;
@external("extism:host/env", "alloc")
declare function alloc(length: i64): i64;
@external("extism:host/env", "store_u64")
declare function store_u64(offset: i64, value: i64): void;
@external("extism:host/env", "store_u8")
declare function store_u8(offset: i64, value: u8): void;
@external("extism:host/env", "output_set")
declare function output_set(offset: i64, length: i64): void;

// One instance serves every call, and the stub runtime never frees: copy into a static buffer.
const BUF = memory.data(65536, 16);

export function handle(): i32 {
  const n = input_length();
  if (n > 65536) return 1;
  const buf = BUF;
  let i: i64 = 0;
  for (; i + 8 <= n; i += 8) store<i64>(buf + <usize>i, input_load_u64(i));
  for (; i < n; i++) store<u8>(buf + <usize>i, input_load_u8(i));
  const out = alloc(n);
  i = 0;
  for (; i + 8 <= n; i += 8) store_u64(out + i, load<i64>(buf + <usize>i));
  for (; i < n; i++) store_u8(out + i, load<u8>(buf + <usize>i));
  output_set(out, n);
  return 0;
}
