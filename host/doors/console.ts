// The console's static files (built by scripts/build-console.mjs into build/console/),
// served on the HTTP door: GET / is index.html, revalidated on every load (no-cache, ETag);
// /assets/<name>-<hash>.<ext> are named by their content and cached for a year as
// immutable. Files are read once, on the first request, so a kernel nobody opens the
// console on holds none of them. Every answer carries a strict Content-Security-Policy:
// scripts and styles from this origin only (the page has no inline script), and nothing
// may frame the page.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromRoot } from '../base/root.ts';

export const CONSOLE_DIR = fromRoot('build/console');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

function load(dir: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const add = (path: string, file: string, cache: string) => {
    const body = readFileSync(file);
    const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    files.set(path, { body, type, cache, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  };
  if (!existsSync(join(dir, 'index.html'))) return files;
  add('/', join(dir, 'index.html'), 'no-cache');
  const assets = join(dir, 'assets');
  for (const name of existsSync(assets) ? readdirSync(assets) : []) add(`/assets/${name}`, join(assets, name), 'public, max-age=31536000, immutable');
  return files;
}

/** Answers GET and HEAD for the console's paths; returns false for any other request, which the caller routes on. */
export function consoleRoute(dir = CONSOLE_DIR): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  let files: Map<string, Asset> | undefined;
  return (req, res, path) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (path !== '/' && path !== '/index.html' && !path.startsWith('/assets/'))) return false;
    files ??= load(dir);
    const asset = files.get(path === '/index.html' ? '/' : path);
    if (!asset) {
      const message = files.size ? `no console file ${path}` : 'the console is not built: run `npm install` (or `npm run build:console`) in the camos checkout';
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(message);
      return true;
    }
    const headers = { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': asset.cache, etag: asset.etag };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
