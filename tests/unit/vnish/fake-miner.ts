/**
 * A tiny vnish-like HTTP server on 127.0.0.1 for the client's unit tests: serves fixture bodies,
 * implements /unlock with a password, tokens that die on "reboot", and records every request.
 * Routes can be overridden per test to inject faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface FakeMiner {
  address: string;
  port: number;
  seen: SeenRequest[];
  /** Distinct TCP connections accepted so far. */
  connections: number;
  /** Highest number of requests being handled at once. */
  maxConcurrent: number;
  password: string;
  tokens: Set<string>;
  routes: Map<string, Route>;
  /** Invalidate every token, as a reboot does. */
  reboot(): void;
  count(path: string): number;
  close(): Promise<void>;
}

export interface FakeMinerOptions {
  fixture: Record<string, unknown>;
  password?: string;
  host?: string;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export { json as sendJson };

export async function startFakeMiner(opts: FakeMinerOptions): Promise<FakeMiner> {
  const f = opts.fixture;
  let tokenSeq = 0;
  const sockets = new Set<Socket>();
  let inFlight = 0;
  const miner: FakeMiner = {
    address: '',
    port: 0,
    seen: [],
    connections: 0,
    maxConcurrent: 0,
    password: opts.password ?? 'secret',
    tokens: new Set(),
    routes: new Map(),
    reboot() {
      miner.tokens.clear();
    },
    count(path) {
      return miner.seen.filter((r) => r.path === path).length;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const authed = (req: IncomingMessage) => {
    const h = req.headers.authorization;
    return h !== undefined && h.startsWith('Bearer ') && miner.tokens.has(h.slice(7));
  };
  const needAuth = (req: IncomingMessage, res: ServerResponse, then: () => void) => {
    if (!authed(req)) {
      res.writeHead(401);
      res.end();
      return;
    }
    then();
  };
  const defaults: Record<string, Route> = {
    'POST /api/v1/unlock': (_req, res, body) => {
      let pw: unknown;
      try {
        pw = (JSON.parse(body) as { pw?: unknown }).pw;
      } catch {
        pw = undefined;
      }
      if (pw !== miner.password) return json(res, 403, { unlock_timeout: 0 });
      const token = `tok${++tokenSeq}`.padEnd(32, 'x');
      miner.tokens.add(token);
      json(res, 200, { token });
    },
    'GET /api/v1/info': (_q, res) => json(res, 200, f.info),
    'GET /api/v1/model': (_q, res) => json(res, 200, f.model ?? {}),
    'GET /api/v1/summary': (_q, res) => json(res, 200, f.summary),
    'GET /api/v1/perf-summary': (_q, res) => json(res, 200, f.perfSummary ?? { preset_switcher: {} }),
    'GET /api/v1/settings': (req, res) => needAuth(req, res, () => json(res, 200, f.settings ?? {})),
    'GET /api/v1/auth-check': (req, res) =>
      needAuth(req, res, () => json(res, 200, { unlock_timeout: null })),
  };
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    miner.maxConcurrent = Math.max(miner.maxConcurrent, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      miner.seen.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body });
      const key = `${req.method} ${path.replace(/\?.*$/, '')}`;
      const route = miner.routes.get(key) ?? defaults[key];
      if (!route) {
        // vnish answers unknown paths with its web UI page.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><head><title>AnthillOS</title></head><body></body></html>');
        return;
      }
      void route(req, res, body);
    });
  });
  server.on('connection', (s: Socket) => {
    miner.connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', () => r()));
  miner.port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  miner.address = host.includes(':') ? `[${host}]:${miner.port}` : `${host}:${miner.port}`;
  return miner;
}
