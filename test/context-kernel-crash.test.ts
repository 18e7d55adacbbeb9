// The crash test with a whole kernel in the child process: sys_context_write calls that
// returned survive SIGKILL, and a kernel restarts on the killed data directory. Starting a
// kernel costs seconds of CPU here, so the 20 kill moments run against the store's writer
// (context-durability.test.ts) and this file runs two.
import { after, test } from 'node:test';
import { cleanUp, killRounds, tempDir } from './fixtures/context-crash.ts';

after(cleanUp);

test('acknowledged sys_context_write calls of a whole kernel survive SIGKILL', async (t) => {
  const { acks, tornTails } = await killRounds(tempDir(), 'kernel', 2);
  t.diagnostic(`${acks} acknowledgements checked; ${tornTails} lines torn by a kill, not counted`);
});
