// The console's one way to the kernel: the HTTP gateway, with the signed-in token. The
// token lives in sessionStorage (this tab only, gone when it closes), never in a cookie
// or localStorage, so no other page and no later visitor of this browser can use it.
const TOKEN_KEY = 'camos.token';

export interface Principal {
  caller: string;
  callerKind: 'admin' | 'agent' | 'anonymous';
}

/** A non-OK answer of the gateway: the gRPC status name and the kernel's message. */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (t: string) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

async function send(path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  const t = token.get();
  if (t) headers.set('authorization', `Bearer ${t}`);
  const res = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' });
  if (res.ok) return res;
  let body: { status?: string; message?: string } = {};
  try {
    body = await res.json();
  } catch {
    // not JSON: the status line says enough
  }
  throw new ApiError(res.status, body.status ?? String(res.status), body.message ?? res.statusText);
}

/** POST /v1/<syscall> with a proto3 JSON body. */
export async function call<T = any>(syscall: string, request: object = {}): Promise<T> {
  const res = await send(`/v1/${syscall}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  return res.json();
}

/** The Prometheus exposition of GET /metrics. */
export async function metricsText(): Promise<string> {
  return (await send('/metrics', { method: 'GET' })).text();
}

/** Whom a token stands for, by the kernel's word (the health check names the caller; its summary needs no grant). */
export async function whoAmI(): Promise<Principal> {
  const h = await call<Principal>('sys_health_check', {});
  return { caller: h.caller, callerKind: h.callerKind };
}

export const b64 = {
  encode: (text: string): string => {
    const bytes = new TextEncoder().encode(text);
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  },
  decode: (data: string): string => new TextDecoder().decode(Uint8Array.from(atob(data || ''), (c) => c.charCodeAt(0))),
  fromBytes: (bytes: Uint8Array): string => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  },
};
