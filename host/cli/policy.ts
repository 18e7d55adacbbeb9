// camos policy get | set <file> | test <principal> <action> <resource> | history
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SyscallError, codeName } from '../base/errors.ts';
import { connect } from './client.ts';
import { connectionOptions, print, withConnection } from './common.ts';

/** "k=v" options collected into a map. */
const pairs = (v: string, acc: Record<string, string> = {}) => {
  const eq = v.indexOf('=');
  if (eq < 1) throw new Error(`expected key=value, got '${v}'`);
  return { ...acc, [v.slice(0, eq)]: v.slice(eq + 1) };
};

export function register(program: Command): void {
  const policy = program.command('policy').description('the Cedar policy set that decides every syscall');

  withConnection(
    policy
      .command('get')
      .description('print the current policy set (Cedar text), or a stored version')
      .option('--version <n>', 'a stored version instead of the current one', (v) => Number(v), 0)
      .option('--schema', 'print the Cedar schema policies are validated against')
      .option('--json', 'print the whole answer (id, version, text, history) as JSON'),
  ).action(async (opts) => {
    if (opts.json) return print(connectionOptions(opts), (c) => c.call('sys_policy_get', { version: opts.version }));
    // Plain Cedar text on stdout, so that `camos policy get > policies.cedar` round-trips.
    const c = connect(connectionOptions(opts));
    try {
      const res = await c.call('sys_policy_get', { version: opts.version });
      console.log(String(opts.schema ? res.schema : res.policyData).replace(/\n$/, ''));
      if (!opts.schema) console.error(`-- policy set version ${res.version} (${res.policyId})`);
    } catch (e) {
      console.error(`camos: ${e instanceof SyscallError ? `${codeName(e.code)}: ` : ''}${(e as Error).message}`);
      process.exitCode = 1;
    } finally {
      c.close();
    }
  });

  withConnection(
    policy
      .command('set <file>')
      .description('validate a Cedar policy file against the schema, store it as the next version and swap it in')
      .option('--id <policy-id>', 'a name for this policy set (default v<version>)')
      .option('--meta <key=value>', 'metadata stored with the version (repeatable)', pairs, {}),
  ).action(async (file: string, opts) => {
    await print(connectionOptions(opts), (c) =>
      c.call('sys_policy_update', { policyId: opts.id ?? '', policyData: readFileSync(file, 'utf8'), metadata: { source: file, ...opts.meta } }),
    );
  });

  withConnection(
    policy
      .command('test <principal> <action> <resource>')
      .description('ask whether a principal may do an action on a resource, e.g. `camos policy test agent-b context_write finance`; exit code 1 when denied')
      .option('--context <key=value>', 'Cedar context (repeatable), e.g. hour=3', pairs, {})
      .option('--version <version>', 'a stored version or policy id instead of the current set'),
  ).action(async (principal: string, action: string, resource: string, opts) => {
    await print(connectionOptions(opts), async (c) => {
      const res = await c.call('sys_query_policy', { principal, action, resource, context: opts.context, policyId: opts.version ?? '' });
      if (!res.allowed) process.exitCode = 1;
      return res;
    });
  });

  withConnection(policy.command('history').description('list the stored versions of the policy set')).action(async (opts) => {
    await print(connectionOptions(opts), async (c) => (await c.call('sys_policy_get', {})).history);
  });
}
