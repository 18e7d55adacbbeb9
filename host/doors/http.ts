// The HTTP/1.1 door: POST /v1/<syscall> (proto3 JSON in and out, through the same
// pipeline), POST /nl/query, GET /healthz, GET /metrics, and the console's files (console.ts).
import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Kernel } from '../kernel.ts';
import { codeName, invalidArgument, notFound, resourceExhausted, unimplemented } from '../base/errors.ts';
import { HeaderTooLarge } from '../syscalls/metadata.ts';
import { lookup } from '../syscalls/table.ts';
import { fromPlain, toJson } from '../wire/codec.ts';
import { consoleRoute } from './console.ts';
import { answerOf, grpcStatus, httpStatusOf } from './status.ts';

class BodyTooLarge extends Error {}

export function createHttpDoor(kernel: Kernel): Server {
  const { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs } = kernel.config.doors;
  const serveConsole = consoleRoute();
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: Math.min(5000, idleTimeoutMs),
      // How often Node looks for requests past those timeouts (its default, 30 s, would add up to that much to each).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeoutMs / 4)),
    },
    (req, res) => {
      route(kernel, req, res, serveConsole).catch((err) => sendError(res, err));
    },
  );
  server.timeout = idleTimeoutMs;
  // The doors hand this server its connections ('connection') instead of listen(): Node starts
  // the tracking that enforces headersTimeout and requestTimeout (and that closeIdleConnections
  // uses) on 'listening', so it is told so here.
  server.emit('listening');
  return server;
}

async function route(kernel: Kernel, req: IncomingMessage, res: ServerResponse, serveConsole: ReturnType<typeof consoleRoute>): Promise<void> {
  let path: string;
  try {
    path = new URL(req.url ?? '/', 'http://camos').pathname;
  } catch {
    return sendError(res, invalidArgument(`the request target ${JSON.stringify(req.url)} is not a URL path`));
  }
  if (serveConsole(req, res, path)) return;
  if (req.method === 'GET' && path === '/healthz') {
    // 200 while the kernel serves (ok, or degraded: some calls refused, named in `degraded`), 503 when a component is down.
    const report = await kernel.healthSummary();
    return sendJson(res, report.status === 'down' ? 503 : 200, { status: report.status, degraded: report.degraded, version: report.version, uptimeMs: report.uptimeMs });
  }
  if (req.method === 'GET' && path === '/metrics') {
    const text = await kernel.metrics.text();
    res.writeHead(200, { 'content-type': kernel.metrics.registry.contentType });
    res.end(text);
    return;
  }
  let syscall: string | undefined;
  try {
    syscall = path.startsWith('/v1/') ? decodeURIComponent(path.slice(4)) : path === '/nl/query' ? 'sys_nl_query' : undefined;
  } catch {
    return sendError(res, invalidArgument(`${path} is not a valid percent-encoded path; syscalls are POST /v1/<syscall>`));
  }
  if (!syscall) return sendError(res, notFound(`no route for ${req.method} ${path}; syscalls are POST /v1/<syscall>, plus POST /nl/query, GET /healthz, GET /metrics`));
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendError(res, invalidArgument(`${path} takes POST with a JSON body`), 405);
  }
  const row = lookup(syscall);
  if (!row) return sendError(res, unimplemented(`unknown syscall '${syscall}'; see docs/SYSCALLS.md`));

  let body: Buffer;
  try {
    body = await readBody(req, kernel.config.maxMessageBytes);
  } catch (e) {
    if (e instanceof BodyTooLarge) return sendError(res, resourceExhausted(`request body is larger than the ${kernel.config.maxMessageBytes}-byte limit (maxMessageBytes)`), 413);
    throw e;
  }
  let json: unknown = {};
  if (body.length) {
    // Not decoded with replacement characters: a body that is not UTF-8 is refused, not altered.
    if (!isUtf8(body)) return sendError(res, invalidArgument('request body is not valid UTF-8'));
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return sendError(res, invalidArgument(`request body is not valid JSON: ${(e as Error).message}`));
    }
  }
  const request = fromPlain(`${row.rpc}Request`, json);
  const result = await kernel.dispatch(row.name, request, {
    door: 'http',
    token: header(req, 'authorization'),
    traceparent: header(req, 'traceparent'),
    requestId: header(req, 'x-request-id'),
    source: req.socket.remoteAddress,
  });
  sendJson(res, 200, toJson(`${row.rpc}Response`, result));
}

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  if (res.headersSent) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, err: unknown, statusOverride?: number) {
  const { code, message } = answerOf(err);
  const status = statusOverride ?? (err instanceof HeaderTooLarge ? 431 : httpStatusOf(code));
  sendJson(res, status, { code: grpcStatus(code), status: codeName(code), message });
}
