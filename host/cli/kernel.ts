// camos start | status | call | token
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/index.ts';
import { connectionOptions, print, withConnection } from './common.ts';

/** `camos start`'s flags as config fields; --federation and --node-id go into the federation section. */
function startFlags(opts: Record<string, any>) {
  const federation = opts.federation || opts.nodeId ? { ...(opts.federation ? { url: opts.federation } : {}), ...(opts.nodeId ? { nodeId: opts.nodeId } : {}) } : undefined;
  return { port: opts.port, host: opts.host, dataDir: opts.dataDir, logLevel: opts.logLevel, federation: federation as never };
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start the kernel: gRPC and HTTP on one port, data in the data directory')
    .option('-p, --port <port>', 'port for gRPC and HTTP (default 8080, or CAMOS_PORT)', (v) => parsePort(v))
    .option('-H, --host <host>', 'address to listen on (default 127.0.0.1, or CAMOS_HOST)')
    .option('-d, --data-dir <dir>', 'data directory (default ./.camos, or CAMOS_DATA_DIR)')
    .option('-c, --config <file>', 'config file (default camos.config.json|yaml in the current directory)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent')
    .option('--federation <url>', 'federate over NATS JetStream at this URL (or CAMOS_FEDERATION_URL; docs/federation.md)')
    .option('--node-id <id>', "this kernel's node id in the federation (or CAMOS_NODE_ID; default a stable id in the data directory)")
    .action(async (opts) => {
      let config;
      try {
        config = loadConfig({ file: opts.config, flags: startFlags(opts) });
      } catch (e) {
        if (e instanceof ConfigError) {
          console.error(`camos: ${e.message}`);
          process.exit(2);
        }
        throw e;
      }
      const { createKernel } = await import('../kernel.ts');
      const { serve } = await import('../doors/index.ts');
      let kernel: Awaited<ReturnType<typeof createKernel>>;
      try {
        kernel = await createKernel({ config });
      } catch (e) {
        // A start refused (the data directory in use, a corrupt token or key file, a crypto backend that cannot load) is said in one line.
        console.error(`camos: cannot start: ${(e as Error).message}`);
        process.exit(1);
      }
      const doors = await serve(kernel);
      process.on('unhandledRejection', (err) => kernel.log.error({ err }, 'unhandled rejection (kept running)'));
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          process.stderr.write(`camos: ${signal} again, exiting now\n`);
          process.exit(1);
        }
        stopping = true;
        kernel.log.info({ signal }, 'draining in-flight calls and shutting down');
        doors.close().then(
          () => process.exit(0),
          (err) => {
            kernel.log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      // SIGHUP re-reads the configuration and applies what can change without a restart: the scheduler's weights.
      process.on('SIGHUP', () => {
        try {
          const fresh = loadConfig({ file: opts.config, flags: startFlags(opts) });
          const weights = kernel.scheduler?.reloadWeights(fresh.scheduler.weights);
          kernel.log.info({ weights }, 'SIGHUP: scheduler weights reloaded');
        } catch (err) {
          kernel.log.error({ err: (err as Error).message }, 'SIGHUP: configuration not reloaded');
        }
      });
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      // Only now say so: whoever waits for this line may signal the kernel at once.
      process.stderr.write(`camos ${kernel.version} listening on ${doors.host}:${doors.port} (gRPC and HTTP); data in ${kernel.dataDir}; admin token in ${kernel.identity.adminTokenPath}\n`);
    });

  withConnection(
    program.command('status').description("print a running kernel's detailed health"),
  ).action(async (opts) => {
    await print(connectionOptions(opts), (c) => c.call('sys_health_check', { detailed: true }));
  });

  withConnection(
    program
      .command('call')
      .description('call any syscall on a running kernel with a JSON request')
      .argument('<syscall>', 'syscall name (sys_context_read), RPC name (ContextRead) or session field (contextRead)')
      .argument('[json]', 'the request as proto3 JSON; "-" reads it from stdin', '{}')
      .addHelpText('after', '\n`camos syscalls` lists every syscall; docs/SYSCALLS.md describes each.\n'),
  ).action(async (syscall: string, json: string, opts) => {
    let request: unknown;
    try {
      request = JSON.parse(json === '-' ? readFileSync(0, 'utf8') : json);
    } catch (e) {
      console.error(`camos: the request is not valid JSON: ${(e as Error).message}`);
      process.exit(2);
    }
    await print(connectionOptions(opts), (c) => c.call(syscall, request));
  });

  program
    .command('syscalls')
    .description('list the syscall table: number, name, RPC, group')
    .action(async () => {
      const { table } = await import('../syscalls/table.ts');
      for (const r of table) console.log(`${String(r.nr).padStart(2)}  ${r.name.padEnd(30)} ${r.rpc.padEnd(24)} ${r.group}`);
    });

  const token = program.command('token').description('manage bearer tokens (admin only)');
  withConnection(
    token.command('create').description('issue a token for an agent; prints it once').requiredOption('-a, --agent <id>', 'the agent the token stands for').option('--description <text>', 'a note kept with the token', ''),
  ).action(async (opts) => {
    await print(connectionOptions(opts), (c) => c.call('sys_token_create', { agentId: opts.agent, description: opts.description }));
  });
  withConnection(
    token
      .command('revoke')
      .description('revoke a token by id, or every token of an agent')
      .argument('[token-id]', 'the token id (the part after camos_)')
      .option('-a, --agent <id>', 'revoke every token of this agent'),
  ).action(async (tokenId: string | undefined, opts) => {
    if (!tokenId && !opts.agent) {
      console.error('camos: name a token id or --agent <id>');
      process.exit(2);
    }
    await print(connectionOptions(opts), (c) => c.call('sys_token_revoke', { tokenId: tokenId ?? '', agentId: opts.agent ?? '' }));
  });
  withConnection(token.command('list').description('list tokens (ids, agents, revocation; never the secrets)')).action(async (opts) => {
    await print(connectionOptions(opts), (c) => c.call('sys_token_list', {}));
  });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer from 0 to 65535, not '${v}'`);
  return n;
}
