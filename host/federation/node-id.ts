// A kernel's node id when the config names none: made once, kept in the data directory, so
// that a restarted kernel is the same peer.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_ID, NODE_ID_RULE } from './config.ts';

export function stableNodeId(dataDir: string): string {
  const path = join(dataDir, 'node-id');
  if (existsSync(path)) {
    const id = readFileSync(path, 'utf8').trim();
    if (!NODE_ID.test(id)) throw new Error(`${path} holds ${JSON.stringify(id.slice(0, 80))}, not a node id (${NODE_ID_RULE}); fix or remove it`);
    return id;
  }
  const id = `node-${randomBytes(6).toString('hex')}`;
  writeFileSync(path, id + '\n', { mode: 0o600, flag: 'wx' });
  return id;
}
