// Who calls and by which door: what the authenticate stage resolves and every subsystem reads.

/** Who is calling: resolved from the bearer token by the authenticate stage. */
export interface Principal {
  /** Agent id; "admin" for the admin token; "anonymous" on open calls without a token. */
  id: string;
  kind: 'admin' | 'agent' | 'anonymous';
  tokenId?: string;
  /**
   * A grpc driver's token: good for context reads and writes in its manifest's namespaces
   * and nothing else, whatever the policy set says (the signed manifest is the grant).
   */
  scope?: DriverScope;
}

/** What a grpc driver's token may touch: namespace patterns as its manifest names them. */
export interface DriverScope {
  driver: string;
  read: readonly string[];
  write: readonly string[];
}

/** Where a call came in; 'kernel' marks events the kernel records itself (task lifecycle, hot loads); 'federation' a peer kernel's question, asked for one of its callers. */
export type Door = 'grpc' | 'session' | 'http' | 'inprocess' | 'kernel' | 'federation';
