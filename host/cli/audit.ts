// camos ask | audit verify | audit export | trace
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chrono } from '../audit/chrono.ts';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { publicKeyFromJson, type HybridPublicKey } from '../crypto/hybrid.ts';
import { SyscallError, codeName } from '../base/errors.ts';
import { connect } from './client.ts';
import { connectionOptions, withConnection } from './common.ts';

// The audit library (SQLite, OpenTelemetry) loads only when a command needs it.
const auditLib = () => import('../audit/index.ts');

const dataDirOf = (opts: { dataDir?: string }) => resolve(opts.dataDir ?? process.env.CAMOS_DATA_DIR ?? loadConfig({}).dataDir);

async function openAuditFile(dataDir: string) {
  const { openAuditDb } = await auditLib();
  const path = join(dataDir, 'audit.db');
  if (!existsSync(path)) {
    console.error(`camos: no audit log at ${path} (has a kernel run with --data-dir ${dataDir}?)`);
    process.exit(2);
  }
  return openAuditDb(path, { readonly: true });
}

/** The kernel's public keys from <data-dir>/keys.json, so checkpoints are checked against them. */
async function kernelKeys(dataDir: string): Promise<Map<string, HybridPublicKey> | undefined> {
  if (!existsSync(join(dataDir, 'keys.json'))) return undefined;
  const { KeyStore } = await import('../crypto/keystore.ts');
  return new Map(KeyStore.inspect(dataDir).map((k) => [k.keyId, publicKeyFromJson(k.publicKey)]));
}

/** "2026-11-26", "2026-11-26T15:00Z", "1795700000000", "yesterday 3pm", "2 hours ago". */
export function parseTime(text: string, now = new Date()): number {
  if (/^\d{10,}$/.test(text)) return Number(text);
  const iso = Date.parse(text);
  if (!Number.isNaN(iso)) return iso;
  const parsed = chrono().parseDate(text, now);
  if (!parsed) throw new Error(`cannot read '${text}' as a time; give an ISO date (2026-11-26T15:00Z), unix ms, or words like "yesterday 3pm"`);
  return parsed.getTime();
}

async function run(opts: Record<string, any>, fn: (c: ReturnType<typeof connect>) => Promise<void>) {
  const c = connect(connectionOptions(opts));
  try {
    await fn(c);
  } catch (e) {
    console.error(`camos: ${e instanceof SyscallError ? `${codeName(e.code)}: ` : ''}${(e as Error).message}`);
    process.exitCode = 1;
  } finally {
    c.close();
  }
}

export function register(program: Command): void {
  withConnection(
    program
      .command('ask')
      .description('ask the kernel a question in plain English, answered from the audit log and live state')
      .argument('<question...>', 'e.g. "Why did agent-b get throttled last night?"')
      .option('--json', 'print the whole answer (evidence records, query) as JSON'),
  ).action(async (words: string[], opts) => {
    await run(opts, async (c) => {
      const res = await c.call('sys_nl_query', { query: words.join(' ') });
      if (opts.json) return console.log(JSON.stringify(res, null, 2));
      console.log(res.answer);
      for (const e of res.evidence ?? []) console.log(`  ${e.node ? `${e.node} ` : ''}#${e.id} ${new Date(Number(e.timestamp)).toISOString()} ${e.kind}: ${e.summary}`);
      console.log(`query: ${res.query_ran ?? res.queryRan}`);
      if (!res.understood) process.exitCode = 3;
    });
  });

  const audit = program.command('audit').description('the hash-chained audit log in <data-dir>/audit.db');
  audit
    .command('verify')
    .description('walk the hash chain, the signed checkpoints and the anchor; report every record altered, removed or inserted')
    .option('-d, --data-dir <dir>', 'data directory (default ./.camos, or CAMOS_DATA_DIR)')
    .option('--json', 'print the report as JSON')
    .action(async (opts) => {
      const { verifyAuditDb, readAnchorOrError } = await auditLib();
      const dataDir = dataDirOf(opts);
      const db = await openAuditFile(dataDir);
      try {
        const trustedKeys = await kernelKeys(dataDir);
        // An anchor is expected where a kernel ran (its keys are there); a log copied on its own is checked without.
        const anchor = readAnchorOrError(join(dataDir, 'audit.anchor')) ?? (trustedKeys ? null : undefined);
        const report = verifyAuditDb(db, { trustedKeys, anchor });
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(report.summary);
          if (report.problems.length > 1 || report.omitted) for (const p of report.problems) console.log(`  ${p.kind} at record ${p.seq}: ${p.message}`);
          if (report.omitted) console.log(`  ... and ${report.omitted} more`);
        }
        if (!report.ok) process.exitCode = 1;
      } catch (e) {
        console.error(`camos: ${(e as Error).message}`);
        process.exitCode = 2;
      } finally {
        db.close();
      }
    });
  audit
    .command('export')
    .description('print audit records as JSON lines, oldest first')
    .requiredOption('--since <time>', 'first record time: ISO date, unix ms, or words ("yesterday 3pm")')
    .option('--until <time>', 'last record time (default now)')
    .option('--format <format>', 'output format (jsonl)', 'jsonl')
    .option('-d, --data-dir <dir>', 'data directory (default ./.camos, or CAMOS_DATA_DIR)')
    .action(async (opts) => {
      if (opts.format !== 'jsonl') {
        console.error(`camos: unknown format '${opts.format}'; the export format is jsonl`);
        process.exit(2);
      }
      let since: number;
      let until: number | undefined;
      try {
        since = parseTime(opts.since);
        until = opts.until ? parseTime(opts.until) : undefined;
      } catch (e) {
        console.error(`camos: ${(e as Error).message}`);
        process.exit(2);
      }
      const { exportRecords } = await auditLib();
      const db = await openAuditFile(dataDirOf(opts));
      try {
        for (const r of exportRecords(db, since, until)) process.stdout.write(`${JSON.stringify(r)}\n`);
      } finally {
        db.close();
      }
    });

  withConnection(
    program
      .command('trace')
      .description('show the spans of a trace: the kernel\'s syscalls and agents\' own spans')
      .argument('<trace-id>', '32 hex digits (from traceparent or an audit record)')
      .option('--json', 'print the spans as JSON'),
  ).action(async (traceId: string, opts) => {
    await run(opts, async (c) => {
      const res = await c.call('sys_trace_get', { traceId });
      const spans = (res.spans ?? []) as { span_id?: string; spanId?: string; parent_span_id?: string; parentSpanId?: string; operation: string; timestamp: string | number; duration: number; status: string; source: string; node?: string; tags: Record<string, string> }[];
      if (opts.json) return console.log(JSON.stringify(spans, null, 2));
      const idOf = (s: (typeof spans)[number]) => s.spanId ?? s.span_id ?? '';
      const parentOf = (s: (typeof spans)[number]) => s.parentSpanId ?? s.parent_span_id ?? '';
      const ids = new Set(spans.map(idOf));
      const print = (parent: string, depth: number) => {
        for (const s of spans.filter((x) => (parent ? parentOf(x) === parent : !ids.has(parentOf(x))))) {
          const who = s.tags?.caller ?? s.tags?.agent ?? '';
          console.log(`${'  '.repeat(depth)}${s.operation} [${s.node ? `${s.node} ` : ''}${s.source}${who ? ` ${who}` : ''}] ${Number(s.duration).toFixed(3)} ms ${s.status} span ${idOf(s)} @ ${new Date(Number(s.timestamp)).toISOString()}`);
          if (depth < 32) print(idOf(s), depth + 1);
        }
      };
      console.log(`trace ${traceId}: ${spans.length} spans`);
      print('', 1);
    });
  });
}
