// The camos driver SDK for AssemblyScript. A driver exports
//   export function handle(input: Uint8Array): Uint8Array
// (and optionally `export function init(config: Uint8Array): void`); it answers an error
// with `return fail("why")`. `camos driver build` generates the component's entry, which
// exports the canonical-ABI wrappers (handle, init, cabi_realloc, cabi_post_handle).
export { log, context, metrics, clock } from "./capabilities";
export { fail, text, str } from "./result";
export { json, JsonValue, Kind, quote } from "./json";
