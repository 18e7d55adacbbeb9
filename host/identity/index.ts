// Bearer tokens. A token is "camos_<id>_<secret>"; only SHA-256 of the secret is stored,
// in <data-dir>/tokens.json (mode 0600). The admin token itself lives in admin.token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../base/files.ts';
import type { DriverScope, Principal } from '../contract/index.ts';

export { Refusals } from './refusals.ts';

export interface TokenRecord {
  tokenId: string;
  agentId: string;
  kind: 'admin' | 'agent';
  hash: string;
  createdAt: number;
  revoked: boolean;
  description: string;
}

export interface TokenInfo {
  tokenId: string;
  agentId: string;
  createdAt: number;
  revoked: boolean;
  description: string;
}

/** The records of a token file; a file that is not one fails start, named, rather than losing every token. */
function readTokenFile(file: string): TokenRecord[] {
  let tokens: unknown;
  try {
    tokens = JSON.parse(readFileSync(file, 'utf8')).tokens;
  } catch (e) {
    throw new Error(`${file} cannot be read as the kernel's token file (${(e as Error).message}); restore it from a backup, or move it aside to start with no agent tokens (a new admin token is then made)`);
  }
  const bad = Array.isArray(tokens) ? tokens.findIndex((r) => !isTokenRecord(r)) : -1;
  if (!Array.isArray(tokens) || bad >= 0) {
    throw new Error(`${file} is not a valid token file (${Array.isArray(tokens) ? `entry ${bad} is not a token record` : "it has no 'tokens' list"}); restore it from a backup, or move it aside to start with no agent tokens`);
  }
  return tokens;
}

const isTokenRecord = (r: any): r is TokenRecord =>
  typeof r === 'object' && r !== null && typeof r.tokenId === 'string' && typeof r.agentId === 'string' && (r.kind === 'admin' || r.kind === 'agent') && /^[0-9a-f]{64}$/.test(r.hash) && typeof r.revoked === 'boolean';

const TOKEN = /^camos_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const newTokenId = () => randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
const sha256 = (s: string) => createHash('sha256').update(s).digest();

export class IdentityStore {
  private readonly file: string;
  private records = new Map<string, TokenRecord>();
  /** Authenticated tokens, so the hot path hashes each token once. Cleared on revoke. */
  private cache = new Map<string, Principal>();
  /** Drivers' tokens (scopedToken): in memory only, as long as their driver is loaded. */
  private readonly scoped = new Map<string, Principal>();
  private readonly listeners = new Set<(r: TokenRecord) => void>();
  readonly adminTokenPath: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'tokens.json');
    this.adminTokenPath = join(dataDir, 'admin.token');
    if (existsSync(this.file)) for (const r of readTokenFile(this.file)) this.records.set(r.tokenId, r);
  }

  /** Creates the admin token on first start; returns true when it was created now. */
  ensureAdmin(): boolean {
    const live = [...this.records.values()].some((r) => r.kind === 'admin' && !r.revoked);
    if (live && existsSync(this.adminTokenPath)) return false;
    const { token } = this.issue('admin', 'admin', 'created on first start');
    writeFileSync(this.adminTokenPath, token + '\n', { mode: 0o600 });
    return true;
  }

  adminToken(): string {
    return readFileSync(this.adminTokenPath, 'utf8').trim();
  }

  create(agentId: string, description = ''): { tokenId: string; token: string } {
    return this.issue(agentId, 'agent', description);
  }

  private issue(agentId: string, kind: TokenRecord['kind'], description: string) {
    const tokenId = newTokenId();
    const secret = randomBytes(32).toString('base64url');
    const record: TokenRecord = { tokenId, agentId, kind, hash: sha256(secret).toString('hex'), createdAt: Date.now(), revoked: false, description };
    this.records.set(tokenId, record);
    this.save();
    this.changed([record]);
    return { tokenId, token: `camos_${tokenId}_${secret}` };
  }

  /**
   * A token for a grpc driver, good only within `scope` (the pipeline holds it there), never
   * written to disk; `revoke` ends it (at unload, or when the kernel stops).
   */
  scopedToken(scope: DriverScope): { token: string; revoke(): void } {
    const tokenId = newTokenId();
    const token = `camos_${tokenId}_${randomBytes(32).toString('base64url')}`;
    this.scoped.set(token, Object.freeze({ id: `driver:${scope.driver}`, kind: 'agent', tokenId, scope: Object.freeze({ ...scope }) }));
    return { token, revoke: () => void this.scoped.delete(token) };
  }

  /** The principal a token stands for, or undefined when it is unknown, malformed or revoked. */
  authenticate(raw: string): Principal | undefined {
    const token = raw.startsWith('Bearer ') || raw.startsWith('bearer ') ? raw.slice(7).trim() : raw.trim();
    const hit = this.cache.get(token) ?? this.scoped.get(token);
    if (hit) return hit;
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const rec = this.records.get(m[1]);
    if (!rec || rec.revoked) return undefined;
    if (!timingSafeEqual(sha256(m[2]), Buffer.from(rec.hash, 'hex'))) return undefined;
    const principal: Principal = Object.freeze({ id: rec.agentId, kind: rec.kind, tokenId: rec.tokenId });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, principal);
    return principal;
  }

  /** Revokes one token, or every live token of an agent; returns how many. */
  revoke(by: { tokenId?: string; agentId?: string }): number {
    const revoked: TokenRecord[] = [];
    for (const r of this.records.values()) {
      if (r.revoked) continue;
      if ((by.tokenId && r.tokenId === by.tokenId) || (by.agentId && r.agentId === by.agentId && r.kind === 'agent')) {
        r.revoked = true;
        revoked.push(r);
      }
    }
    if (revoked.length) {
      this.cache.clear();
      this.save();
      this.changed(revoked);
    }
    return revoked.length;
  }

  /** Agent tokens: what a federation shares (each kernel keeps its own admin token). */
  agentTokens(): TokenRecord[] {
    return [...this.records.values()].filter((r) => r.kind === 'agent');
  }

  /** Called after this kernel creates or revokes tokens (not after `adopt`). */
  onChange(listener: (r: TokenRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A peer's agent token: added when new, revoked when the peer revoked it. A revocation is
   * for good: no record, however signed, makes a revoked token live again. Returns what
   * changed here, or why it was refused (an admin token, an id held by another token).
   */
  adopt(r: TokenRecord): 'added' | 'revoked' | 'unchanged' | 'conflict' {
    if (r.kind !== 'agent') return 'conflict';
    const mine = this.records.get(r.tokenId);
    if (mine && (mine.hash !== r.hash || mine.agentId !== r.agentId || mine.kind !== 'agent')) return 'conflict';
    if (mine && (mine.revoked || !r.revoked)) return 'unchanged';
    if (mine) mine.revoked = true;
    else this.records.set(r.tokenId, { ...r });
    this.cache.clear();
    this.save();
    return mine ? 'revoked' : 'added';
  }

  private changed(records: TokenRecord[]): void {
    for (const r of records) if (r.kind === 'agent') for (const l of this.listeners) l(r);
  }

  list(): TokenInfo[] {
    return [...this.records.values()].map(({ tokenId, agentId, createdAt, revoked, description }) => ({ tokenId, agentId, createdAt, revoked, description }));
  }

  // Whole or not at all, so a crash never leaves a torn token file.
  private save() {
    writeFileAtomic(this.file, JSON.stringify({ tokens: [...this.records.values()] }, null, 1));
  }
}
