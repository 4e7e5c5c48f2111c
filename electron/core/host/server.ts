/**
 * The headless host: the built renderer and the contract over WebSocket, behind an access token.
 *
 * It is the LAN dashboard (opt-in) and what the end-to-end tests drive. Every HTTP request and every
 * socket must present a token (query `?token=`, `Authorization: Bearer`, or the HttpOnly cookie set on
 * the first authenticated page load); the token decides the role. It listens on loopback unless the
 * caller explicitly allows another address. The adapter holds no product logic: it forwards to dispatch.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../../shared/csp.js';
import type { ClientMessage, ServerMessage } from '../../../shared/ws-client.js';
import type { Dispatch, Role } from '../service/dispatch.js';
import type { EventBus } from '../service/events.js';
import { FailureLimiter, roleForToken, type HostTokens } from './auth.js';

export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

export interface HostOptions {
  dispatch: Dispatch;
  bus: EventBus;
  tokens: HostTokens;
  /** Address to listen on; anything but loopback needs `allowRemote`. */
  host?: string;
  port?: number;
  allowRemote?: boolean;
  /** The built renderer (dist/renderer); null serves only the API. */
  staticDir?: string | null;
  metrics?: MetricsSource;
  /** Failed authentications per client before a lockout. */
  maxAuthFailures?: number;
  lockoutMs?: number;
  /** Most calls one socket may have in flight. */
  maxInFlightPerSocket?: number;
  /** Largest WebSocket message accepted, bytes. */
  maxMessageBytes?: number;
}

export interface Host {
  url: string;
  port: number;
  host: string;
  /** The URL a browser opens: carries the operator token. */
  urlWithToken(role?: Role): string;
  close(): Promise<void>;
}

const COOKIE = 'hw_token';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

function presentedToken(req: http.IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE) return decodeURIComponent(v.join('='));
    }
  }
  return null;
}

function securityHeaders(res: http.ServerResponse) {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // The token travels in the first URL: never leak it in a Referer header.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function clientKey(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const bindHost = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(bindHost) && !opts.allowRemote) {
    throw new Error(
      `Refusing to listen on ${bindHost}: only loopback is allowed unless remote access is explicitly enabled`,
    );
  }
  const limiter = new FailureLimiter({
    maxFailures: opts.maxAuthFailures ?? 10,
    windowMs: 60_000,
    lockoutMs: opts.lockoutMs ?? 60_000,
  });
  const maxInFlight = opts.maxInFlightPerSocket ?? 64;
  const staticDir = opts.staticDir ? path.resolve(opts.staticDir) : null;

  /** Authenticates a request; on failure it has already answered (or destroyed the socket). */
  const authenticate = (
    req: http.IncomingMessage,
    url: URL,
  ): { role: Role; fromQuery: boolean } | 'locked' | null => {
    const key = clientKey(req);
    if (limiter.isLocked(key)) return 'locked';
    const token = presentedToken(req, url);
    const role = roleForToken(opts.tokens, token);
    if (!role) {
      limiter.fail(key);
      return null;
    }
    limiter.succeed(key);
    return { role, fromQuery: url.searchParams.has('token') };
  };

  const serveStatic = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    setCookie: string | null,
  ) => {
    if (!staticDir) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('No dashboard is built (npm run build)');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(staticDir, '.' + path.posix.normalize(rel));
    if (!file.startsWith(staticDir + path.sep) && file !== staticDir) {
      res.writeHead(404).end();
      return;
    }
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      stat = undefined;
    }
    if (!stat || stat.isDirectory()) {
      // Client-side routes and the root fall back to the app's page; missing assets are 404s.
      if (path.extname(rel) && rel !== '/') {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      file = path.join(staticDir, 'index.html');
    }
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type };
    if (type.startsWith('text/html')) headers['Cache-Control'] = 'no-store';
    if (setCookie) headers['Set-Cookie'] = setCookie;
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    const stream = fs.createReadStream(file);
    stream.on('error', () => res.destroy());
    res.writeHead(200, headers);
    stream.pipe(res);
  };

  const server = http.createServer((req, res) => {
    securityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const auth = authenticate(req, url);
    if (auth === 'locked') {
      res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '60' });
      res.end('Too many failed attempts; try again later.\n');
      return;
    }
    if (!auth) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer' });
      res.end('Hashwatch: an access token is required. Open the URL printed by `hashwatch serve`.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/metrics') {
      if (!opts.metrics) {
        res.writeHead(404).end();
        return;
      }
      opts.metrics.render().then(
        (body) => res.writeHead(200, { 'Content-Type': opts.metrics!.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    const cookie = auth.fromQuery
      ? `${COOKIE}=${encodeURIComponent(presentedToken(req, url)!)}; HttpOnly; SameSite=Strict; Path=/`
      : null;
    serveStatic(req, res, url, cookie);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes ?? 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket: Socket, head) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host.invalid');
    } catch {
      refuse(400, 'Bad Request');
      return;
    }
    if (url.pathname !== '/ws') {
      refuse(404, 'Not Found');
      return;
    }
    // A page from another origin must not ride on the cookie (cross-site WebSocket hijacking).
    const origin = req.headers.origin;
    if (origin && req.headers.host && new URL(origin).host !== req.headers.host) {
      refuse(403, 'Forbidden');
      return;
    }
    const auth = authenticate(req, url);
    if (auth === 'locked') return refuse(429, 'Too Many Requests');
    if (!auth) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, auth.role, clientKey(req)));
  });

  const send = (ws: WebSocket, msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  const onSocket = (ws: WebSocket, role: Role, client: string) => {
    sockets.add(ws);
    let inFlight = 0;
    const ctx = { role, caller: `ws:${client}` };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let msg: Partial<ClientMessage>;
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(data.toString()) as Partial<ClientMessage>;
        if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
      } catch {
        send(ws, {
          t: 'result',
          id: 0,
          result: { ok: false, error: { code: 'ValidationError', message: 'Message is not a JSON object' } },
        });
        return;
      }
      const id = typeof msg.id === 'number' && Number.isSafeInteger(msg.id) ? msg.id : 0;
      if (msg.t !== 'call') {
        send(ws, {
          t: 'result',
          id,
          result: { ok: false, error: { code: 'ValidationError', message: 'Unknown message type' } },
        });
        return;
      }
      if (inFlight >= maxInFlight) {
        send(ws, {
          t: 'result',
          id,
          result: { ok: false, error: { code: 'RateLimited', message: 'Too many calls in flight' } },
        });
        return;
      }
      inFlight++;
      void opts.dispatch(msg.method, msg.input, ctx).then((result) => {
        inFlight--;
        send(ws, { t: 'result', id, result });
      });
    });
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => ws.terminate());
  };

  const unsubscribe = opts.bus.onAny((event, payload) => {
    if (sockets.size === 0) return;
    const text = JSON.stringify({ t: 'event', event, payload } satisfies ServerMessage);
    for (const ws of sockets) {
      // A client that cannot keep up is dropped rather than buffered without bound.
      if (ws.bufferedAmount > 32 * 1024 * 1024) ws.terminate();
      else if (ws.readyState === ws.OPEN) ws.send(text);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const url = `http://${shownHost}:${port}/`;

  return {
    url,
    port,
    host: bindHost,
    urlWithToken: (role = 'operator') => `${url}?token=${encodeURIComponent(opts.tokens[role])}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          for (const ws of sockets) ws.terminate();
          resolve();
        }, 1000);
        t.unref();
        wss.close(() => {
          clearTimeout(t);
          resolve();
        });
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
