// The audit subsystem: the hash-chained log every decision goes to, and the explanations
// and plain-English questions computed from it. Traces and metrics are host/telemetry's.
import { join } from 'node:path';
import { SIGNING_PURPOSE } from '../crypto/index.ts';
import type { Config } from '../config/index.ts';
import type { KeyStore } from '../crypto/index.ts';
import { storageCause, unavailable } from '../base/errors.ts';
import type { AuditSink, Component } from '../contract/index.ts';
import type { Logger } from '../telemetry/log.ts';
import { AuditLog } from './log.ts';

export { AuditLog, exportRecords, type AuditConfig, type AuditQuery, type QueryResult } from './log.ts';
export { verifyAuditDb, type VerifyReport, type VerifyProblem } from './verify.ts';
export { readAnchorOrError } from './anchor.ts';
export { explain, type Explanation, type EvidenceRecord } from './explain.ts';
export { QuestionAnswerer, CAPABILITIES, type Answer, type LiveState, type Interpretation } from './ask.ts';
export { ALL, scopeOf, type AuditScope, type Permits } from './scope.ts';
export { answersOf, explanationsOf, spansOf, type FromNode } from './nodes.ts';
export { intentClassifier, trainingCorpus, INTENTS } from './understand.ts';
export { openAuditDb, type Db } from './schema.ts';
export { storedCode, codeOfStored, type AuditRecord } from './record.ts';

/** What openAudit opens: the sink the pipeline writes to, and the log behind it when it could be opened. */
export interface OpenedAudit {
  sink: AuditSink;
  audit?: AuditLog;
  component: Component;
}

/**
 * Opens <data-dir>/audit.db and the pipeline's audit sink. A file
 * that cannot be opened (corrupt, unreadable) does not stop the kernel: it serves what
 * changes nothing, refuses the rest (the sink's refusal names the file and the cause) and
 * reports the audit component down, until the file is restored or moved aside and the
 * kernel restarted.
 */
export function openAudit(deps: {
  dataDir: string;
  config: Pick<Config, 'audit'>;
  log: Logger;
  keys: KeyStore;
}): OpenedAudit {
  const { config, log, keys } = deps;
  const path = join(deps.dataDir, 'audit.db');
  // Checkpoints are signed for a purpose of their own, which sys_tpm_sign cannot sign for.
  const signer = () => ({ identity: () => keys.identity(), allPublicKeys: () => keys.allPublicKeys(), sign: (data: Uint8Array, keyId?: string) => keys.sign(SIGNING_PURPOSE.auditCheckpoint, data, keyId) });
  let audit: AuditLog;
  try {
    audit = new AuditLog(path, config.audit, { log, signer, keysExisted: !keys.created });
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    const cause = `the audit log cannot be opened: ${storageCause(code, path) ?? (err as Error).message}; restore it from a backup, or move it aside to begin a new log, and restart`;
    log.error({ err, path }, `AUDIT LOG UNUSABLE: ${cause}. Calls that change something are refused`);
    return { sink: refusingSink(cause), component: { name: 'audit', health: () => ({ status: 'down', details: { file: path, writable: cause } }) } };
  }
  return { sink: audit, audit, component: { name: 'audit', health: () => audit.health(), close: () => audit.close() } };
}

/** The sink of a kernel whose audit log cannot be opened: it keeps nothing, and refuses. */
function refusingSink(cause: string): AuditSink {
  return { record: () => undefined, committed: () => Promise.reject(unavailable(cause)), refusal: () => cause };
}
