// camos federation status | identity | trust add | trust list
// `status` asks a running kernel (its federation component in sys_health_check); the trust
// commands edit <data-dir>/federation-trust.json, which a running kernel re-reads when a
// message names a node or key it does not know yet.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connect } from './client.ts';
import { connectionOptions, kernelDataDir, withConnection } from './common.ts';

function fail(message: string, code = 1): never {
  console.error(`camos: ${message}`);
  process.exit(code);
}

const dataDirOption = (cmd: Command) => cmd.option('-d, --data-dir <dir>', "the kernel's data directory (default CAMOS_DATA_DIR, else the configured dataDir)").option('-c, --config <file>', 'config file');

export function register(program: Command): void {
  const fed = program.command('federation').description('kernels federated over NATS JetStream (docs/federation.md)');

  withConnection(fed.command('status').description("a running kernel's federation: node, peers, lag, pending publishes, last sync, conflicts").option('--json', 'print JSON')).action(async (opts) => {
    const c = connect(connectionOptions(opts));
    try {
      const health = (await c.call('sys_health_check', { detailed: true })) as { components: Record<string, { status: string; details: Record<string, string> }> };
      const f = health.components.federation;
      if (!f) fail('this kernel is not federated (no federation section in its config, no --federation flag)');
      const state = health.components['federation-state'];
      if (opts.json) return console.log(JSON.stringify(state ? { ...f, state } : f, null, 2));
      for (const [name, c] of Object.entries({ federation: f, 'shared state': state })) {
        if (!c) continue;
        console.log(`${name}: ${c.status}`);
        for (const [k, v] of Object.entries(c.details)) console.log(`  ${k.padEnd(18)} ${v}`);
      }
    } catch (e) {
      fail((e as Error).message);
    } finally {
      c.close();
    }
  });

  dataDirOption(fed.command('identity').description("this kernel's node id and public key, as `camos federation trust add` on its peers takes them").option('--node-id <id>', 'the node id the kernel runs as (its --node-id), when not in its config')).action(async (opts) => {
    try {
      const dir = kernelDataDir(opts);
      const { loadConfig } = await import('../config/index.ts');
      const { stableNodeId } = await import('../federation/index.ts');
      const { KeyStore } = await import('../crypto/index.ts');
      const config = loadConfig({ file: opts.config, flags: { dataDir: dir } });
      const active = KeyStore.inspect(dir).find((k) => k.status === 'active');
      if (!active) fail(`no active key in ${dir}/keys.json`);
      console.log(JSON.stringify({ nodeId: opts.nodeId ?? config.federation?.nodeId ?? stableNodeId(dir), publicKey: active.publicKey }, null, 2));
    } catch (e) {
      fail((e as Error).message);
    }
  });

  const trust = fed.command('trust').description("the cluster's trust list: peers whose messages this kernel takes");
  dataDirOption(
    trust
      .command('add')
      .description("trust a peer: the JSON `camos federation identity` printed on it (a file, '-' for stdin, or the JSON itself)")
      .argument('<identity>', 'file, - or JSON')
      .option('--node-id <id>', 'the node id, when the identity JSON has none (a bare public key from `camos key list --json`)'),
  ).action(async (identity: string, opts) => {
    try {
      const text = identity === '-' ? readFileSync(0, 'utf8') : identity.trimStart().startsWith('{') ? identity : readFileSync(identity, 'utf8');
      const parsed = JSON.parse(text);
      const publicKey = parsed.publicKey ?? parsed;
      const nodeId = opts.nodeId ?? parsed.nodeId;
      if (!nodeId) fail('the identity names no node id; pass --node-id');
      const { addTrustedPeer, trustFile } = await import('../federation/index.ts');
      const dir = kernelDataDir(opts);
      const n = addTrustedPeer(dir, nodeId, publicKey);
      console.log(`trusted node ${nodeId} (key ${publicKey.keyId}; ${n} key${n === 1 ? '' : 's'} for it) in ${trustFile(dir)}`);
    } catch (e) {
      fail((e as Error).message);
    }
  });
  dataDirOption(trust.command('list').description('the trusted peers and their key ids')).action(async (opts) => {
    try {
      const { listTrustedPeers } = await import('../federation/index.ts');
      console.log(JSON.stringify(listTrustedPeers(kernelDataDir(opts)), null, 2));
    } catch (e) {
      fail((e as Error).message);
    }
  });
}
