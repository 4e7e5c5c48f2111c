/**
 * The `app://hashwatch/` scheme: the renderer's files served with the Content-Security-Policy header.
 *
 * A custom scheme instead of file:// gives the page a real origin (so IPC senders can be checked) and
 * lets every response carry the CSP; only files inside the built renderer folder are reachable.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://hashwatch';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Builds the protocol handler for files under `rendererDir`. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    };
    if (url.host !== 'hashwatch') return new Response('Not found', { status: 404, headers });
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(root, '.' + path.posix.normalize(rel));
    if (!file.startsWith(root + path.sep)) return new Response('Not found', { status: 404, headers });
    try {
      const body = await fs.readFile(file);
      return new Response(body, {
        status: 200,
        headers: { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' },
      });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  };
}
