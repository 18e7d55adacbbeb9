// sys_context_* rows: thin handlers over the context store (host/context).
import { z } from 'zod';
import type { VersionRecord } from '../context/index.ts';
import { KEY, KEY_RULE, NAMESPACE, NAMESPACE_RULE } from '../context/names.ts';
import { invalidArgument, permissionDenied } from '../base/errors.ts';
import type { SyscallDef } from './types.ts';

const namespace = z.string().regex(NAMESPACE, NAMESPACE_RULE);
const key = z.string().regex(KEY, KEY_RULE);
const version = z.number().int().min(0);
const metadata = z.record(z.string().max(256), z.string().max(4096)).default({});

const inNamespace = (req: { namespace: string }) => ({ type: 'Namespace', id: req.namespace });

const ReadSchema = z
  .object({ namespace, key, version: version.default(0), asOf: version.default(0) })
  .refine((r) => !(r.version && r.asOf), { message: 'give version or as_of, not both' });

export const contextRead: SyscallDef<z.infer<typeof ReadSchema>> = {
  schema: ReadSchema,
  action: 'context_read',
  readOnly: () => true,
  resource: inNamespace,
  handle: (req, call) => {
    const e = call.services.context.read(req.namespace, req.key, { version: req.version, asOf: req.asOf });
    call.evidence.version = e.version;
    // The store's bytes are shared with its cache: the caller gets its own copy.
    return { data: Buffer.from(e.value), version: e.version, hash: e.hash, timestamp: e.timestamp, metadata: e.metadata, author: e.author, contentType: e.contentType };
  },
};

const WriteSchema = z.object({
  namespace,
  key,
  data: z.instanceof(Uint8Array),
  metadata,
  versionDescription: z.string().max(1024).default(''),
  expectedVersion: version.optional(),
  contentType: z.string().max(255).default(''),
});

export const contextWrite: SyscallDef<z.infer<typeof WriteSchema>> = {
  schema: WriteSchema,
  action: 'context_write',
  resource: inNamespace,
  handle: async (req, call) => {
    const v = await call.services.context.writeGrouped(req.namespace, req.key, req.data, {
      author: call.caller.id,
      metadata: req.metadata,
      contentType: req.contentType,
      expectedVersion: req.expectedVersion,
      description: req.versionDescription,
    });
    Object.assign(call.evidence, { key: req.key, version: v.version, hash: v.hash, bytes: v.size });
    return { version: v.version, hash: v.hash, bytesWritten: v.size, timestamp: v.timestamp };
  },
};

const DeleteSchema = z.object({ namespace, key, expectedVersion: version.optional() });

export const contextDelete: SyscallDef<z.infer<typeof DeleteSchema>> = {
  schema: DeleteSchema,
  action: 'context_delete',
  resource: inNamespace,
  handle: (req, call) => {
    const v = call.services.context.delete(req.namespace, req.key, { author: call.caller.id, expectedVersion: req.expectedVersion });
    Object.assign(call.evidence, { key: req.key, version: v.version });
    return { version: v.version };
  },
};

const SnapshotSchema = z.object({ namespace, description: z.string().max(1024).default('') });

export const contextSnapshot: SyscallDef<z.infer<typeof SnapshotSchema>> = {
  schema: SnapshotSchema,
  action: 'context_snapshot',
  resource: inNamespace,
  handle: (req, call) => {
    const s = call.services.context.snapshot(req.namespace, { description: req.description, author: call.caller.id });
    Object.assign(call.evidence, { snapshotId: s.snapshotId, itemCount: s.itemCount });
    return { snapshotId: s.snapshotId, timestamp: s.timestamp, itemCount: s.itemCount };
  },
};

const SnapshotListSchema = z.object({ namespace });

export const contextSnapshotList: SyscallDef<z.infer<typeof SnapshotListSchema>> = {
  schema: SnapshotListSchema,
  action: 'context_snapshot_list',
  readOnly: () => true,
  resource: inNamespace,
  handle: (req, call) => ({ snapshots: call.services.context.listSnapshots(req.namespace) }),
};

const RestoreSchema = z.object({
  snapshotId: z.string().min(1, 'name the snapshot to restore (sys_context_snapshot_list lists them)').max(128),
  force: z.boolean().default(false),
  restoreInto: z.union([z.literal(''), namespace]).default(''),
});

export const contextRestore: SyscallDef<z.infer<typeof RestoreSchema>> = {
  schema: RestoreSchema,
  action: 'context_restore',
  // The namespace written to: restore_into, or the snapshot's own.
  resource: (req, call) => ({ type: 'Namespace', id: req.restoreInto || call.services.context?.snapshotInfo(req.snapshotId)?.namespace || req.snapshotId }),
  handle: async (req, call) => {
    const s = call.services.context;
    const source = s.snapshotInfo(req.snapshotId)?.namespace;
    // Restoring into another namespace also reads the snapshot's: the caller must be allowed to.
    if (source && req.restoreInto && req.restoreInto !== source) {
      const resource = { type: 'Namespace', id: source };
      const d = await call.services.authorizer.authorize({ principal: call.caller, action: 'context_read', resource, syscall: call.syscall, request: req });
      if (!d.allowed) throw permissionDenied(`${call.caller.id} may not context_read on Namespace::${source}, the snapshot's namespace: ${d.reason}`);
    }
    const r = s.restore(req.snapshotId, { into: req.restoreInto || undefined, author: call.caller.id, force: req.force });
    Object.assign(call.evidence, { snapshotId: req.snapshotId, from: source, into: r.namespace, restoredItems: r.restoredItems });
    return { namespace: r.namespace, restoredItems: r.restoredItems };
  },
};

const VersionListSchema = z.object({
  namespace,
  key,
  limit: z.number().int().min(0).default(0),
  sinceVersion: version.default(0),
  pageToken: z.string().max(512).default(''),
});

/** A page token names the key and the version to continue below. */
const encodeToken = (ns: string, k: string, before: number) => Buffer.from(JSON.stringify([ns, k, before])).toString('base64url');

function decodeToken(token: string, ns: string, k: string): number | undefined {
  if (!token) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[2] !== 'number') throw invalidArgument(`page_token is not a token this kernel gave out; pass the next_token of the previous page`);
  if (parsed[0] !== ns || parsed[1] !== k) throw invalidArgument(`page_token belongs to ${parsed[0]}/${parsed[1]}, not ${ns}/${k}`);
  return parsed[2];
}

const asVersion = (v: VersionRecord) => ({
  version: v.version,
  timestamp: v.timestamp,
  author: v.author,
  description: v.description,
  hash: v.hash,
  size: v.size,
  tags: v.metadata,
  deleted: v.deleted,
  conflict: v.conflict,
  origin: v.origin,
});

export const contextVersionList: SyscallDef<z.infer<typeof VersionListSchema>> = {
  schema: VersionListSchema,
  action: 'context_version_list',
  readOnly: () => true,
  resource: inNamespace,
  handle: (req, call) => {
    const before = decodeToken(req.pageToken, req.namespace, req.key);
    const page = call.services.context.versions(req.namespace, req.key, { limit: req.limit, sinceVersion: req.sinceVersion, beforeVersion: before });
    const last = page.versions.at(-1);
    call.evidence.returned = page.versions.length;
    return {
      versions: page.versions.map(asVersion),
      hasMore: page.hasMore,
      nextToken: page.hasMore && last ? encodeToken(req.namespace, req.key, last.version) : '',
    };
  },
};

const ListSchema = z.object({
  namespace: z.union([z.literal(''), namespace]).default(''),
  prefix: z.string().max(256).regex(/^[A-Za-z0-9_./:-]*$/, KEY_RULE).default(''),
  limit: z.number().int().min(0).default(0),
  pageToken: z.string().max(512).default(''),
});

export const contextList: SyscallDef<z.infer<typeof ListSchema>> = {
  schema: ListSchema,
  action: 'context_list',
  readOnly: () => true,
  // Without a namespace it lists the namespaces, each one filtered by the caller's context_read grant.
  resource: (req) => (req.namespace ? { type: 'Namespace', id: req.namespace } : { type: 'Kernel', id: 'context' }),
  handle: async (req, call) => {
    const s = call.services.context;
    if (!req.namespace) {
      const readable: string[] = [];
      for (const ns of s.namespaces()) {
        const d = await call.services.authorizer.authorize({ principal: call.caller, action: 'context_read', resource: { type: 'Namespace', id: ns }, syscall: call.syscall, request: req });
        if (d.allowed) readable.push(ns);
      }
      call.evidence.returned = readable.length;
      return { namespaces: readable };
    }
    const after = req.pageToken ? Buffer.from(req.pageToken, 'base64url').toString('utf8') : '';
    const page = s.keys(req.namespace, { prefix: req.prefix, after, limit: req.limit });
    call.evidence.returned = page.keys.length;
    const last = page.keys.at(-1);
    return {
      keys: page.keys.map((k) => ({ key: k.key, version: k.version, timestamp: k.timestamp, author: k.author, size: k.size, deleted: k.deleted })),
      hasMore: page.hasMore,
      nextToken: page.hasMore && last ? Buffer.from(last.key).toString('base64url') : '',
    };
  },
};
