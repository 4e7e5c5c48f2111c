/**
 * The per-miner vnish web API (`/api/v1/...`) as one request handler shared by every miner.
 *
 * The farm hands each accepted socket to one `node:http` server and tags it with its miner, so ten
 * thousand miners cost ten thousand listening sockets, not ten thousand HTTP servers. Auth follows
 * NOTES.md: 401 with no body, 403 for a wrong password, 429 with `unlock_timeout` after repeated
 * failures; `GET /` and unknown paths answer the AnthillOS web page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { noise01 } from './rng.js';
import { SimHttpError, type SimMiner } from './miner.js';
import * as R from './responses.js';

/** The web UI page every vnish miner serves at `/` and for unknown paths. */
export const ANTHILL_HTML =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>AnthillOS</title>' +
  '<meta name="description" content="AnthillOS web interface"></head>' +
  '<body><noscript>AnthillOS requires JavaScript.</noscript><div id="app" data-os="AnthillOS"></div>' +
  '<script src="/assets/index.js"></script></body></html>';

/** What the handler needs from the farm. */
export interface ApiContext {
  now(): number;
  minerOf(socket: Socket): SimMiner | undefined;
  /** Called after a reboot answer has been sent: take the miner off the network. */
  onReboot(m: SimMiner): void;
  /** Real-time timers for slow answers (injectable for tests; defaults to setTimeout). */
  delay?: (ms: number, fn: () => void) => void;
}

interface Ctx {
  m: SimMiner;
  now: number;
  authed: boolean;
  token: string | null;
  query: string;
  body: unknown;
  malformed: boolean;
}

type Handler = (c: Ctx, res: ServerResponse) => void;

function send(
  res: ServerResponse,
  status: number,
  body: string,
  malformed: boolean,
  type = 'application/json',
): void {
  let out = body;
  if (malformed && type === 'application/json')
    out = body.length > 2 ? body.slice(0, Math.max(1, Math.floor(body.length / 2))) : '{"';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(out) });
  res.end(out);
}

function json(c: Ctx, res: ServerResponse, obj: unknown, status = 200): void {
  send(res, status, JSON.stringify(obj), c.malformed);
}

function empty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

function err(c: Ctx, res: ServerResponse, status: number, message: string): void {
  json(c, res, { err: message }, status);
}

function html(res: ServerResponse, status = 200): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(ANTHILL_HTML),
  });
  res.end(ANTHILL_HTML);
}

function qInt(query: string, name: string): number | null {
  const m = new RegExp(`(?:^|&)${name}=(-?\\d+)`).exec(query);
  return m ? Number(m[1]) : null;
}

/** Summary JSON is cached per miner and physics version: pollers hammer it. */
const summaryCache = new WeakMap<SimMiner, { version: number; body: string }>();

function summaryBody(m: SimMiner, now: number): string {
  const hit = summaryCache.get(m);
  if (hit && hit.version === m.version && m.gen !== '1.2.0') return hit.body;
  const body = JSON.stringify(R.summary(m, now));
  summaryCache.set(m, { version: m.version, body });
  return body;
}

// Routes: [method path] -> [needs auth, handler, generations allowed]
type Route = { auth: boolean; gens?: readonly string[]; h: Handler };
const G12 = ['1.2.0', '1.2.6'] as const;
const G13 = ['1.3'] as const;

const routes = new Map<string, Route>([
  ['GET info', { auth: false, h: (c, res) => json(c, res, R.info(c.m, c.now)) }],
  ['GET model', { auth: false, h: (c, res) => json(c, res, R.model(c.m)) }],
  ['GET status', { auth: false, h: (c, res) => json(c, res, R.status(c.m, c.authed, c.now)) }],
  ['GET summary', { auth: false, h: (c, res) => send(res, 200, summaryBody(c.m, c.now), c.malformed) }],
  ['GET perf-summary', { auth: false, h: (c, res) => json(c, res, R.perfSummary(c.m)) }],
  ['GET chains', { auth: false, gens: G12, h: (c, res) => json(c, res, R.chainsDetail(c.m)) }],
  ['GET boards', { auth: false, gens: G13, h: (c, res) => json(c, res, R.chainsDetail(c.m)) }],
  ['GET chains/factory-info', { auth: false, h: (c, res) => json(c, res, R.factoryInfo(c.m)) }],
  [
    'GET metrics',
    {
      auth: false,
      h: (c, res) =>
        json(
          c,
          res,
          R.metrics(c.m, c.now, qInt(c.query, 'time_slice') ?? 86400, qInt(c.query, 'step') ?? 900),
        ),
    },
  ],
  ['GET autotune/presets', { auth: true, h: (c, res) => json(c, res, R.presets(c.m)) }],
  ['GET settings', { auth: true, h: (c, res) => json(c, res, R.settings(c.m)) }],
  ['POST settings', { auth: true, h: (c, res) => json(c, res, c.m.applySettings(c.body, c.now)) }],
  ['GET auth-check', { auth: false, h: (c, res) => authCheck(c, res) }],
  ['POST lock', { auth: true, h: (c, res) => (c.token && c.m.lock(c.token), empty(res)) }],
  ['POST mining/start', { auth: true, h: (c, res) => (c.m.start(c.now), empty(res)) }],
  ['POST mining/stop', { auth: true, h: (c, res) => (c.m.stop(c.now), empty(res)) }],
  ['POST mining/restart', { auth: true, h: (c, res) => (c.m.restart(c.now), empty(res)) }],
  ['POST mining/pause', { auth: true, h: (c, res) => (c.m.pause(c.now), empty(res)) }],
  ['POST mining/resume', { auth: true, h: (c, res) => (c.m.resume(c.now), empty(res)) }],
  [
    'POST mining/switch-pool',
    {
      auth: true,
      h: (c, res) => (
        c.m.switchPool(Number((c.body as { pool_id?: unknown } | null)?.pool_id), c.now),
        empty(res)
      ),
    },
  ],
  [
    'POST mining/throttle',
    {
      auth: true,
      gens: G13,
      h: (c, res) => {
        c.m.throttle(Number((c.body as { percent?: unknown } | null)?.percent), c.now);
        json(c, res, { restart_required: false, reboot_required: false });
      },
    },
  ],
  ['POST system/reboot', { auth: true, h: (c, res) => json(c, res, { after: 3 }) }],
  [
    'POST find-miner',
    {
      auth: true,
      h: (c, res) => {
        c.m.findMiner = !c.m.findMiner;
        c.m.version++;
        json(c, res, { on: c.m.findMiner });
      },
    },
  ],
  [
    'POST locate-miner',
    {
      auth: true,
      gens: G13,
      h: (c, res) => {
        c.m.locateUntilMs = c.now + 120_000;
        c.m.findMiner = true;
        json(c, res, { is_enabled: true });
      },
    },
  ],
  [
    'GET apikeys',
    {
      auth: true,
      h: (c, res) =>
        json(
          c,
          res,
          [...c.m.apiKeys].map(([key, description]) => ({ key, description })),
        ),
    },
  ],
  [
    'POST apikeys',
    {
      auth: true,
      h: (c, res) => {
        const b = c.body as { key?: unknown; description?: unknown } | null;
        if (typeof b?.key !== 'string' || b.key.length !== 32)
          return err(c, res, 500, 'API key must be exactly 32 characters');
        const had = c.m.apiKeys.get(b.key);
        const desc = String(b.description ?? '');
        c.m.apiKeys.set(b.key, desc);
        json(c, res, { status: had === undefined ? 'inserted' : had === desc ? 'nochanges' : 'updated' });
      },
    },
  ],
  [
    'POST apikeys/delete',
    {
      auth: true,
      h: (c, res) => (c.m.apiKeys.delete(String((c.body as { key?: unknown } | null)?.key)), empty(res)),
    },
  ],
  ['GET notes', { auth: false, h: (c, res) => json(c, res, Object.fromEntries(c.m.notes)) }],
  [
    'POST notes',
    {
      auth: true,
      h: (c, res) => {
        const b = c.body as { key?: unknown; value?: unknown } | null;
        if (typeof b?.key !== 'string') return err(c, res, 500, 'key required');
        if (c.m.notes.has(b.key)) return err(c, res, 409, 'Note already exists');
        c.m.notes.set(b.key, String(b.value ?? ''));
        empty(res);
      },
    },
  ],
  [
    'POST autotune/reset',
    {
      auth: true,
      h: (c, res) => {
        const names = (c.body as { presets?: unknown } | null)?.presets;
        if (Array.isArray(names))
          for (const n of names) if (String(n) !== c.m.runningPreset) c.m.tunedPresets.delete(String(n));
        empty(res);
      },
    },
  ],
  [
    'POST autotune/reset-all',
    {
      auth: true,
      h: (c, res) => {
        for (const p of [...c.m.tunedPresets]) if (p !== c.m.runningPreset) c.m.tunedPresets.delete(p);
        empty(res);
      },
    },
  ],
]);

function authCheck(c: Ctx, res: ServerResponse): void {
  const lock = c.m.unlockTimeoutS(c.now);
  const body = lock === null ? {} : { unlock_timeout: lock };
  json(c, res, body, c.authed ? 200 : 401);
}

function unlock(c: Ctx, res: ServerResponse): void {
  const pw = (c.body as { pw?: unknown } | null)?.pw;
  const r = c.m.unlock(pw, c.now);
  if (r.status === 200) return json(c, res, { token: r.token });
  json(c, res, r.unlockTimeoutS === null ? {} : { unlock_timeout: r.unlockTimeoutS }, r.status);
}

function notesItem(c: Ctx, res: ServerResponse, method: string, key: string): void {
  if (method === 'GET') {
    const v = c.m.notes.get(key);
    return v === undefined ? err(c, res, 404, 'Note not found') : json(c, res, { value: v });
  }
  if (!c.authed) return empty(res, 401);
  if (method === 'PUT') {
    c.m.notes.set(key, String((c.body as { value?: unknown } | null)?.value ?? ''));
    return empty(res);
  }
  if (method === 'DELETE') {
    if (!c.m.notes.delete(key)) return err(c, res, 404, 'Note not found');
    return empty(res);
  }
  html(res, 404);
}

function readBody(req: IncomingMessage, done: (text: string) => void): void {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    return done('');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (b: Buffer) => {
    size += b.length;
    if (size <= 1 << 20) chunks.push(b);
  });
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
  req.on('error', () => done(''));
}

/** Build the request handler shared by every simulated miner. */
export function createApiHandler(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  const delay = ctx.delay ?? ((ms: number, fn: () => void) => void setTimeout(fn, ms));
  return (req, res) => {
    const m = ctx.minerOf(req.socket);
    if (!m) {
      req.socket.destroy();
      return;
    }
    const now0 = ctx.now();
    if (m.isDown(now0)) {
      req.socket.destroy();
      return;
    }
    // Network faults first: they happen before the firmware sees the request.
    let slowMs = 0;
    let fail500: string | null = null;
    let malformed = false;
    const faults = m.faults.length ? m.netFault(now0) : [];
    for (const f of faults) {
      const s = f.spec;
      const p = 'probability' in s && typeof s.probability === 'number' ? s.probability : 1;
      if (p < 1 && noise01(m.seed, ++m.netSeq, f.id, 0x4e7) >= p) continue;
      if (s.type === 'net-reset') {
        req.socket.destroy();
        return;
      }
      if (s.type === 'net-timeout') {
        req.resume();
        return; // never answered; the client's timeout decides
      }
      if (s.type === 'net-slow') slowMs = Math.max(slowMs, s.delayMs ?? 1500);
      if (s.type === 'http-500') fail500 = s.message ?? 'Internal error: cgminer API not responding';
      if (s.type === 'malformed-json') malformed = true;
    }
    readBody(req, (text) => {
      const run = (): void => {
        if (res.destroyed) return;
        const now = ctx.now();
        if (m.isDown(now)) {
          req.socket.destroy();
          return;
        }
        m.advanceTo(now);
        handle(ctx, m, req, res, text, now, fail500, malformed);
      };
      if (slowMs > 0) delay(slowMs, run);
      else run();
    });
  };
}

function handle(
  ctx: ApiContext,
  m: SimMiner,
  req: IncomingMessage,
  res: ServerResponse,
  text: string,
  now: number,
  fail500: string | null,
  malformed: boolean,
): void {
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const path = qi >= 0 ? url.slice(0, qi) : url;
  const query = qi >= 0 ? url.slice(qi + 1) : '';
  const method = req.method ?? 'GET';
  if (!path.startsWith('/api/v1/')) return html(res, 200);
  const sub = path.slice(8).replace(/\/+$/, '');
  const auth = req.headers.authorization;
  const token = auth ? (auth.startsWith('Bearer ') ? auth.slice(7).trim() : auth.trim()) : null;
  const apiKey = req.headers['x-api-key'];
  const authed =
    (token !== null && m.tokenValid(token, now)) ||
    (typeof apiKey === 'string' && apiKey.length === 32 && m.apiKeys.has(apiKey));
  let body: unknown = null;
  const c: Ctx = { m, now, authed, token, query, body, malformed };
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
      c.body = body;
    } catch (e) {
      if (method === 'POST' || method === 'PUT')
        return err(c, res, 400, `Json deserialize error: ${(e as Error).message}`);
    }
  }
  if (fail500 !== null) return err(c, res, 500, fail500);
  if (sub === 'unlock' && method === 'POST') return unlock(c, res);
  if (sub.startsWith('notes/')) return notesItem(c, res, method, decodeURIComponent(sub.slice(6)));
  if (sub.startsWith('logs/') && method === 'GET') {
    const type = sub.slice(5);
    if (type === '*') return err(c, res, 500, 'All logs are not implemented for this route');
    const txt = R.logText(m, type);
    if (txt === null) return err(c, res, 500, `Unknown log type: ${type}`);
    return send(res, 200, txt, false, 'text/plain; charset=utf-8');
  }
  const route = routes.get(`${method} ${sub}`);
  if (!route || (route.gens && !route.gens.includes(m.gen))) return html(res, 404);
  if (route.auth && !authed) return empty(res, 401);
  try {
    route.h(c, res);
    if (sub === 'system/reboot') {
      m.reboot(now);
      res.once('finish', () => ctx.onReboot(m));
    }
  } catch (e) {
    if (e instanceof SimHttpError) return err(c, res, e.status, e.message);
    return err(c, res, 500, (e as Error).message);
  }
}
