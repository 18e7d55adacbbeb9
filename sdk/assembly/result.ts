// How a driver answers with an error: `return fail("why")` from handle. AssemblyScript has
// no exceptions (a throw traps), so the error is held here until the result is lowered.
let pendingError: string | null = null;

/** Makes handle return result::err(message); returns an empty array to hand back. */
export function fail(message: string): Uint8Array {
  pendingError = message;
  return new Uint8Array(0);
}

/** The error set by fail(), cleared. */
export function takeError(): string | null {
  const error = pendingError;
  pendingError = null;
  return error;
}

/** UTF-8 bytes of a string (e.g. `return text("ok")`). */
export function text(value: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(value));
}

/** The string held in UTF-8 bytes. */
export function str(bytes: Uint8Array): string {
  return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.byteLength);
}
