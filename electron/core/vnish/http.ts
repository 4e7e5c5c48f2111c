/**
 * The fleet's HTTP transport: one shared keep-alive undici dispatcher with per-miner and total caps.
 *
 * Every request has a connect timeout and a total timeout, network failures become typed
 * `HashwatchError`s (Unreachable, Timeout, Cancelled), and only idempotent requests are retried (once,
 * and only when a reused keep-alive socket was found closed), so a write is never sent twice.
 */
import { Agent, request } from 'undici';
import { HashwatchError } from '../../../shared/errors.js';
import { originOf } from './address.js';

export interface TransportOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnectionsPerMiner: number;
  maxConnections: number;
  /** How long an idle keep-alive socket stays open (ms). */
  keepAliveMs?: number;
}

export interface HttpRequest {
  address: string;
  method: 'GET' | 'POST';
  /** Path with query, e.g. `/api/v1/summary`. */
  path: string;
  headers?: Record<string, string>;
  /** JSON-encoded when present. */
  json?: unknown;
  idempotent: boolean;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  signal?: AbortSignal;
  /** Body cap in bytes; beyond it the body is cut (see keepTail) and `truncated` is set. */
  maxBodyBytes: number;
  /** Keep the last `maxBodyBytes` instead of the first (logs: the recent end matters). */
  keepTail?: boolean;
  /** Close the socket after this request (probes of devices we may never talk to again). */
  closeAfter?: boolean;
}

export interface HttpResponse {
  status: number;
  contentType: string | null;
  /** Response headers, lower-case names, first value of repeated ones. */
  headers: Record<string, string>;
  text: string;
  truncated: boolean;
}

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Requests in flight and waiting for a slot (for tests and metrics). */
  load(): { active: number; queued: number };
  close(): Promise<void>;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'EACCES',
  'EPERM',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_RETRY') {
      // undici wraps the socket error of a failed connect; the inner code is the informative one.
      const inner = (cur as { cause?: { code?: unknown } }).cause?.code;
      if (code === 'UND_ERR_SOCKET' && typeof inner === 'string') return inner;
      return code;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A counting semaphore whose waiters can give up (abort) without leaking a slot. */
class Slots {
  private active = 0;
  private readonly waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  constructor(private readonly max: number) {}
  load() {
    return { active: this.active, queued: this.waiters.length };
  }
  async acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.active < this.max) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const w = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.active -= 1;
  }
}

/** Builds the shared transport. Call `close()` once, at shutdown. */
export function createTransport(opts: TransportOptions): Transport {
  const agents = new Map<number, Agent>();
  const slots = new Slots(Math.max(1, opts.maxConnections));
  let closed = false;

  // One Agent (one Pool per miner) serves the whole fleet. A call that asks for a different connect
  // timeout (discovery's short probes) gets its own shared Agent for that value, created once.
  const agentFor = (connectTimeoutMs: number): Agent => {
    let a = agents.get(connectTimeoutMs);
    if (!a) {
      a = new Agent({
        connections: Math.max(1, opts.maxConnectionsPerMiner),
        pipelining: 1,
        keepAliveTimeout: opts.keepAliveMs ?? 10_000,
        keepAliveMaxTimeout: opts.keepAliveMs ?? 10_000,
        connect: { timeout: connectTimeoutMs },
        // Timeouts are enforced per request below; undici's own defaults (300 s) would only mask them.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      agents.set(connectTimeoutMs, a);
    }
    return a;
  };

  const once = async (req: HttpRequest): Promise<HttpResponse> => {
    const timeoutMs = req.timeoutMs ?? opts.requestTimeoutMs;
    const connectTimeoutMs = req.connectTimeoutMs ?? opts.connectTimeoutMs;
    const where = `${req.method} ${req.path} on ${req.address}`;
    if (req.signal?.aborted)
      throw new HashwatchError('Cancelled', `${where} was cancelled`, { address: req.address });
    try {
      await slots.acquire(req.signal);
    } catch {
      throw new HashwatchError('Cancelled', `${where} was cancelled while queued`, { address: req.address });
    }
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(new Error('timeout'));
    }, timeoutMs);
    const onAbort = () => ctl.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reqHeaders: Record<string, string> = {
        accept: 'application/json, text/plain, */*',
        ...req.headers,
      };
      let body: string | undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        reqHeaders['content-type'] = 'application/json';
      }
      const res = await request(`${originOf(req.address)}${req.path}`, {
        method: req.method,
        headers: reqHeaders,
        body,
        signal: ctl.signal,
        dispatcher: agentFor(connectTimeoutMs),
        reset: req.closeAfter === true,
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        const first = Array.isArray(v) ? v[0] : v;
        if (typeof first === 'string') headers[k.toLowerCase()] = first;
      }
      const contentType = headers['content-type'] ?? null;
      // A stated length within the cap bounds the body (undici refuses a body longer than it says):
      // read it whole, without the per-chunk async iteration that was a visible share of a poll.
      const stated = Number(headers['content-length']);
      if (stated >= 0 && stated <= req.maxBodyBytes) {
        const text = await res.body.text();
        return { status: res.statusCode, contentType, headers, text, truncated: false };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        chunks.push(b);
        size += b.length;
        if (size > req.maxBodyBytes) {
          truncated = true;
          if (!req.keepTail) {
            res.body.destroy();
            break;
          }
          // Keep a rolling window of the tail.
          let excess = size - req.maxBodyBytes;
          while (excess > 0 && chunks.length > 0) {
            const first = chunks[0]!;
            if (first.length <= excess) {
              chunks.shift();
              excess -= first.length;
              size -= first.length;
            } else {
              chunks[0] = first.subarray(excess);
              size -= excess;
              excess = 0;
            }
          }
        }
      }
      let buf = Buffer.concat(chunks);
      if (buf.length > req.maxBodyBytes) buf = buf.subarray(0, req.maxBodyBytes);
      return { status: res.statusCode, contentType, headers, text: buf.toString('utf8'), truncated };
    } catch (e) {
      if (e instanceof HashwatchError) throw e;
      if (timedOut) {
        throw new HashwatchError('Timeout', `${where}: no complete answer within ${timeoutMs} ms`, {
          address: req.address,
          endpoint: req.path,
          timeoutMs,
        });
      }
      if (req.signal?.aborted) {
        throw new HashwatchError('Cancelled', `${where} was cancelled`, {
          address: req.address,
          endpoint: req.path,
        });
      }
      const code = errCode(e);
      if (code === 'UND_ERR_CONNECT_TIMEOUT') {
        throw new HashwatchError(
          'Unreachable',
          `${req.address} did not accept a connection within ${connectTimeoutMs} ms`,
          {
            address: req.address,
            endpoint: req.path,
            cause: 'connect-timeout',
            connectTimeoutMs,
          },
        );
      }
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new HashwatchError('Timeout', `${where}: no complete answer in time`, {
          address: req.address,
          endpoint: req.path,
        });
      }
      if (code && RESET_CODES.has(code)) {
        throw new HashwatchError('Unreachable', `${req.address} dropped the connection (${where})`, {
          address: req.address,
          endpoint: req.path,
          cause: 'connection-reset',
        });
      }
      if (code && UNREACHABLE_CODES.has(code)) {
        throw new HashwatchError('Unreachable', `${req.address} is unreachable (${code})`, {
          address: req.address,
          endpoint: req.path,
          cause: code,
        });
      }
      throw new HashwatchError(
        'Unreachable',
        `${where} failed: ${e instanceof Error ? e.message : String(e)}`,
        {
          address: req.address,
          endpoint: req.path,
          cause: code ?? 'network',
        },
      );
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      slots.release();
    }
  };

  return {
    async send(req) {
      if (closed) throw new HashwatchError('Unavailable', 'The vnish client is closed');
      try {
        return await once(req);
      } catch (e) {
        // A keep-alive socket the miner closed while idle fails the next request instantly; an
        // idempotent request may safely go again on a fresh socket. Writes never do.
        const retriable =
          req.idempotent &&
          e instanceof HashwatchError &&
          e.code === 'Unreachable' &&
          (e.details as { cause?: string } | undefined)?.cause === 'connection-reset';
        if (!retriable) throw e;
        return once(req);
      }
    },
    load: () => slots.load(),
    async close() {
      closed = true;
      const all = [...agents.values()];
      agents.clear();
      await Promise.all(all.map((a) => a.close().catch(() => a.destroy())));
    },
  };
}
