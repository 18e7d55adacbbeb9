// chrono-node, the time-expression parser behind plain-English questions, loaded the
// first time a date is parsed: with its locales it holds about 30 MB, which a kernel that
// is never asked a question should not carry. Its CommonJS build loads synchronously.
import { createRequire } from 'node:module';
import type * as Chrono from 'chrono-node';

let loaded: typeof Chrono | undefined;

export function chrono(): typeof Chrono {
  return (loaded ??= createRequire(import.meta.url)('chrono-node') as typeof Chrono);
}
