// Who calls and by which door: what the authenticate stage resolves and every subsystem reads.

/** Who is calling: resolved from the bearer token by the authenticate stage. */
export interface Principal {
  /** Agent id; "admin" for the admin token; "anonymous" on open calls without a token. */
  id: string;
  kind: 'admin' | 'agent' | 'anonymous';
  tokenId?: string;
}

/** Where a call came in; 'kernel' marks events the kernel records itself (task lifecycle, hot loads); 'federation' a peer kernel's question, asked for one of its callers. */
export type Door = 'grpc' | 'session' | 'http' | 'inprocess' | 'kernel' | 'federation';
