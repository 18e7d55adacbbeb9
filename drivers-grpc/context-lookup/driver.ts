// context-lookup: a grpc driver (kind "grpc") that reads context back through the kernel.
// Its input is {"namespace": "...", "key": "..."}; its answer the version it read. The
// kernel's token lets it read the namespaces its manifest names (docs, docs.*) and no other.
import { serveDriver } from '../../sdk/client/driver.ts';
import { CamosError } from '../../sdk/client/index.ts';

const text = new TextDecoder();

await serveDriver({
  name: 'context-lookup',
  version: '0.1.0',
  async handle(call) {
    let want: { namespace?: unknown; key?: unknown };
    try {
      want = JSON.parse(text.decode(call.input));
    } catch {
      throw new Error('input is not JSON: send {"namespace": "...", "key": "..."}');
    }
    if (typeof want.namespace !== 'string' || typeof want.key !== 'string') throw new Error('input needs "namespace" and "key", both strings');
    const timeoutMs = call.deadline ? Math.max(1, call.deadline.getTime() - Date.now()) : undefined;
    try {
      const read = await call.kernel().contextRead({ namespace: want.namespace, key: want.key }, { timeoutMs, traceparent: call.traceparent });
      const answer = { key: want.key, version: read.version, bytes: read.data.length, text: text.decode(read.data) };
      return new TextEncoder().encode(JSON.stringify(answer));
    } catch (e) {
      // The kernel's refusal (PERMISSION_DENIED outside its grants, NOT_FOUND) is its answer's error.
      throw new Error(e instanceof CamosError ? `the kernel answered ${e.code}: ${e.message}` : (e as Error).message);
    }
  },
});
console.error('context-lookup serving');
