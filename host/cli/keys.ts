// camos key list | rotate | revoke, and camos channel test.
// Key commands work on <data-dir>/keys.json directly; a running kernel re-reads the file
// when it changes, so a rotation or revocation takes effect there at its next signature.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/index.ts';
import type { HybridPublicKey } from '../crypto/hybrid.ts';
import { resolveAddress, resolveToken } from './client.ts';
import { connectionOptions, kernelDataDir, withConnection } from './common.ts';

/** The config, with the data directory of a kernel (kernelDataDir): a key store is never made where no kernel is. */
function configFor(opts: { config?: string; dataDir?: string }): Config {
  try {
    return { ...loadConfig({ file: opts.config, flags: { dataDir: opts.dataDir } }), dataDir: kernelDataDir(opts) };
  } catch (e) {
    fail((e as Error).message, e instanceof ConfigError ? 2 : 1);
  }
}

function fail(message: string, code = 1): never {
  console.error(`camos: ${message}`);
  process.exit(code);
}

const openStore = async (opts: { config?: string; dataDir?: string }) => {
  const config = configFor(opts);
  const { KeyStore } = await import('../crypto/index.ts');
  return KeyStore.open({ dataDir: resolve(config.dataDir), ...config.keys });
};

const withStore = (cmd: Command) =>
  cmd.option('-d, --data-dir <dir>', "the kernel's data directory (default CAMOS_DATA_DIR, else the configured dataDir, ./.camos, which must then hold a kernel's files)").option('-c, --config <file>', 'config file (for keys.backend, keys.tpmTcti, keys.passphraseEnv)');

export function register(program: Command): void {
  const key = program.command('key').description("manage the kernel's signing keys (in <data-dir>/keys.json)");

  withStore(key.command('list').description('list keys: id, algorithm, backend, status, dates').option('--json', 'print JSON with the public keys (to pin them in clients)')).action(async (opts) => {
    const config = configFor(opts);
    let keys;
    try {
      const { KeyStore } = await import('../crypto/index.ts');
      keys = KeyStore.inspect(resolve(config.dataDir));
    } catch (e) {
      fail((e as Error).message);
    }
    if (opts.json) return console.log(JSON.stringify(keys, null, 2));
    const day = (t?: number) => (t ? new Date(t).toISOString() : '');
    console.log(['key id'.padEnd(16), 'status'.padEnd(8), 'backend'.padEnd(8), 'algorithm'.padEnd(20), 'created'.padEnd(24), 'retired/revoked'].join('  '));
    for (const k of keys) console.log([k.keyId, k.status.padEnd(8), k.backend.padEnd(8), k.algorithm.padEnd(20), day(k.createdAt).padEnd(24), `${day(k.revokedAt ?? k.retiredAt)}${k.reason ? ` (${k.reason})` : ''}`].join('  '));
  });

  withStore(key.command('rotate').description('make a new active key; the old one stays for verification only').option('--reason <text>', 'why (kept with the old key)', 'rotated')).action(async (opts) => {
    try {
      const store = await openStore(opts);
      const before = store.identity().keyId;
      const info = await store.rotate(opts.reason);
      console.log(JSON.stringify({ previous: before, active: info }, null, 2));
    } catch (e) {
      fail((e as Error).message);
    }
  });

  withStore(
    key
      .command('revoke')
      .description('revoke a key: it neither signs nor verifies any more (revoking the active key rotates first)')
      .argument('<key-id>', 'the key to revoke (`camos key list`)')
      .option('--reason <text>', 'why', 'revoked'),
  ).action(async (keyId: string, opts) => {
    try {
      const store = await openStore(opts);
      const info = await store.revoke(keyId, opts.reason);
      console.log(JSON.stringify({ revoked: info, active: store.identity().keyId }, null, 2));
    } catch (e) {
      fail((e as Error).message);
    }
  });

  const channel = program.command('channel').description('post-quantum secure channels with a running kernel');
  withConnection(
    channel
      .command('test')
      .description('establish a secure channel (X25519 + ML-KEM-768, kernel-signed) and send a sealed health check')
      .option('--peer-id <id>', 'the id this end presents', 'camos-cli')
      .option('--kernel-key <file>', 'trusted kernel public keys (JSON from `camos key list --json`); default: the keys in the data directory'),
  ).action(async (opts) => {
    const conn = connectionOptions(opts);
    const address = resolveAddress(conn);
    const token = resolveToken(conn);
    if (!token) fail('no token: pass --token, set CAMOS_TOKEN, or point --data-dir at the kernel data directory');
    let trusted: HybridPublicKey[];
    try {
      const { KeyStore } = await import('../crypto/index.ts');
      const { publicKeyFromJson } = await import('../crypto/hybrid.ts');
      const listed = opts.kernelKey ? JSON.parse(readFileSync(opts.kernelKey, 'utf8')) : KeyStore.inspect(resolve(opts.dataDir ?? configFor({}).dataDir));
      trusted = (Array.isArray(listed) ? listed : [listed]).filter((k) => k.status !== 'revoked').map((k) => publicKeyFromJson(k.publicKey ?? k));
    } catch (e) {
      fail(`cannot read the trusted kernel keys: ${(e as Error).message}`);
    }
    const { CamosClient } = await import('../../sdk/client/index.ts');
    const { SecureChannel } = await import('../../sdk/client/channel.ts');
    const client = new CamosClient({ address, token, timeoutMs: conn.timeoutMs });
    try {
      const t0 = performance.now();
      const secure = await SecureChannel.establish(client, { peerId: opts.peerId, trusted });
      const t1 = performance.now();
      const health = await secure.call<{ status: string; version: string }>('healthCheck', {});
      const t2 = performance.now();
      console.log(
        JSON.stringify(
          {
            channelId: secure.channelId,
            kernelKey: secure.kernelKeyId,
            expiresAt: new Date(secure.expiresAt).toISOString(),
            rekeyAfter: secure.end.rekeyAfter,
            sealedHealth: { status: health.status, version: health.version },
            establishMs: Number((t1 - t0).toFixed(2)),
            sealedCallMs: Number((t2 - t1).toFixed(2)),
          },
          null,
          2,
        ),
      );
    } catch (e) {
      fail(`secure channel test failed: ${(e as Error).message}`);
    } finally {
      client.close();
    }
  });
}
