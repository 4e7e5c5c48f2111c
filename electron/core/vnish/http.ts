/**
 * The fleet's HTTP transport: one shared keep-alive undici dispatcher with per-miner and total caps.
 *
 * Every request has a connect timeout and a total timeout, network failures become typed
 * `HashwatchError`s (Unreachable, Timeout, Cancelled), and only idempotent requests are retried (once,
 * and only when a reused keep-alive socket was found closed), so a write is never sent twice.
 *
 * A poll of a large fleet makes thousands of small requests a second, and whatever a request allocates
 * lives across its round trip, so V8's scavenger copies it. Hence the lean path: one handler object per
 * request on undici's `dispatch()` (no request() body stream, no AbortController, no per-request timer:
 * total timeouts come from one coarse shared sweep, the caller's signal is listened to only when given),
 * and the body decoded once from its chunks.
 */
import { buildConnector, Client, Pool, type Dispatcher } from 'undici';
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
  /** Takes a free slot at once; false when all are taken (then `wait`). */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active += 1;
    return true;
  }
  /** Waits for a slot (handed over by `release`); rejects if the signal aborts first. */
  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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

/**
 * Granularity of the total timeout: requests past their deadline are aborted by one sweep this often
 * (so a timeout fires up to this much late), instead of one Node timer per request.
 */
const SWEEP_MS = 100;

/** Overdue requests, in an intrusive list swept by one unref'd interval that runs only while it is non-empty. */
class Deadlines {
  head: Call | null = null;
  private timer: NodeJS.Timeout | null = null;

  add(c: Call): void {
    c.next = this.head;
    c.prev = null;
    if (this.head) this.head.prev = c;
    this.head = c;
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), SWEEP_MS);
      this.timer.unref();
    }
  }

  remove(c: Call): void {
    if (c.prev) c.prev.next = c.next;
    else if (this.head === c) this.head = c.next;
    if (c.next) c.next.prev = c.prev;
    c.prev = null;
    c.next = null;
  }

  private sweep(): void {
    if (!this.head) {
      clearInterval(this.timer!);
      this.timer = null;
      return;
    }
    const now = performance.now();
    let c: Call | null = this.head;
    while (c) {
      const next: Call | null = c.next;
      if (c.deadline <= now) c.expire();
      c = next;
    }
  }
}

const ACCEPT = 'application/json, text/plain, */*';
/** Request headers when the caller adds none (shared: undici only reads them). */
const BASE_HEADERS: readonly string[] = ['accept', ACCEPT];
const ONCE = { once: true } as const;
// Abort reasons made once, not per request: the handler knows why it aborted and never shows them.
const TIMED_OUT = new Error('timeout');
const CANCELLED = new Error('cancelled');
const CAPPED = new Error('body over the cap');
const EMPTY = Buffer.alloc(0);

/** Request headers as undici's flat list: accept first (unless the caller sets it), then the caller's. */
function headerList(h: Record<string, string> | undefined, json: boolean): string[] {
  let n = 0;
  let accept = true;
  if (h) {
    for (const k in h) {
      if (!Object.hasOwn(h, k) || (json && k === 'content-type')) continue;
      n += 1;
      if (k === 'accept') accept = false;
    }
  }
  if (n === 0 && !json) return BASE_HEADERS as string[];
  // Sized up front: growing a small array by push reallocates its store.
  const out = new Array<string>(2 * n + (accept ? 2 : 0) + (json ? 2 : 0));
  let i = 0;
  if (accept) {
    out[i++] = 'accept';
    out[i++] = ACCEPT;
  }
  if (h) {
    for (const k in h) {
      if (!Object.hasOwn(h, k) || (json && k === 'content-type')) continue;
      out[i++] = k;
      out[i++] = h[k]!;
    }
  }
  if (json) {
    out[i++] = 'content-type';
    out[i++] = 'application/json';
  }
  return out;
}

interface CallEnv {
  slots: Slots;
  deadlines: Deadlines;
  /** Hands the call to undici (again, for the one retry). */
  dispatch(call: Call): void;
}

/**
 * One request's state and its handler for undici's `dispatch()` (the onRequestStart / onResponse*
 * interface): the response headers object undici builds is used as is, body chunks are kept as they
 * come (usually one) and decoded once at the end.
 */
class Call implements Dispatcher.DispatchHandler {
  // Deadline list links (see Deadlines).
  prev: Call | null = null;
  next: Call | null = null;
  deadline: number;
  readonly promise: Promise<HttpResponse>;
  private resolve!: (r: HttpResponse) => void;
  private reject!: (e: unknown) => void;
  private controller: Dispatcher.DispatchController | null = null;
  /** Why we asked undici to abort before it gave us the means to (applied in onRequestStart). */
  private pending: Error | null = null;
  private settled = false;
  private retried = false;
  private timedOut = false;
  private status = 0;
  private headers: Record<string, string> | null = null;
  private first: Buffer | null = null;
  private chunks: Buffer[] | null = null;
  private size = 0;
  private truncated = false;

  constructor(
    private readonly env: CallEnv,
    readonly req: HttpRequest,
    readonly origin: string,
    private readonly timeoutMs: number,
    readonly connectTimeoutMs: number,
  ) {
    this.deadline = performance.now() + timeoutMs;
    this.promise = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    env.deadlines.add(this);
    req.signal?.addEventListener('abort', this, ONCE);
  }

  /** Total timeout reached (called by the deadline sweep). */
  expire(): void {
    this.timedOut = true;
    this.stop(TIMED_OUT);
  }

  /** The caller's signal fired (EventTarget listener object). */
  handleEvent(): void {
    this.stop(CANCELLED);
  }

  private stop(reason: Error): void {
    if (this.settled) return;
    if (this.controller) this.controller.abort(reason);
    else this.pending ??= reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.pending) {
      controller.abort(this.pending);
      return;
    }
    this.controller = controller;
    this.status = 0;
    this.headers = null;
    this.first = null;
    this.chunks = null;
    this.size = 0;
    this.truncated = false;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    // undici's object already has lower-case names; keep the first value of a repeated header.
    for (const k in headers) {
      const v = headers[k];
      if (Array.isArray(v)) headers[k] = v[0];
    }
    // The old request() path dropped a header named __proto__ (assigning a string to it is a no-op).
    if (Object.hasOwn(headers, '__proto__')) delete headers['__proto__'];
    this.headers = headers as Record<string, string>;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const cap = this.req.maxBodyBytes;
    this.size += chunk.length;
    if (this.first === null) this.first = chunk;
    else (this.chunks ??= [this.first]).push(chunk);
    if (this.size <= cap) return;
    this.truncated = true;
    if (!this.req.keepTail) {
      // Enough read: answer with the head and drop the connection (the rest is not worth reading).
      // Pausing first stops undici's parser from going on through the rest of the buffer it is in,
      // for a request that is already over.
      this.succeed();
      controller.pause();
      controller.abort(CAPPED);
      return;
    }
    // Keep a rolling window of the tail.
    const chunks = (this.chunks ??= [this.first]);
    let excess = this.size - cap;
    while (excess > 0 && chunks.length > 0) {
      const head = chunks[0]!;
      if (head.length <= excess) {
        chunks.shift();
        excess -= head.length;
        this.size -= head.length;
      } else {
        chunks[0] = head.subarray(excess);
        this.size -= excess;
        excess = 0;
      }
    }
    this.first = chunks[0] ?? null;
  }

  onResponseEnd(): void {
    this.succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    if (this.settled) return;
    const failure = this.failure(err);
    // A keep-alive socket the miner closed while idle fails the next request instantly; an idempotent
    // request may safely go again on a fresh socket, once, with a fresh time budget. Writes never do.
    if (
      !this.retried &&
      this.req.idempotent &&
      failure.code === 'Unreachable' &&
      (failure.details as { cause?: string } | undefined)?.cause === 'connection-reset'
    ) {
      this.retried = true;
      this.controller = null;
      this.deadline = performance.now() + this.timeoutMs;
      // Out of undici's error path before dispatching anew.
      queueMicrotask(() => this.env.dispatch(this));
      return;
    }
    this.finish();
    this.reject(failure);
  }

  private succeed(): void {
    if (this.settled) return;
    const buf = this.chunks ? Buffer.concat(this.chunks, this.size) : (this.first ?? EMPTY);
    const cap = this.req.maxBodyBytes;
    const end = buf.length > cap ? cap : buf.length;
    // A UTF-8 byte order mark opening the body is not text (JSON.parse would refuse it); a kept tail
    // does not start the body.
    const tail = this.truncated && this.req.keepTail === true;
    const start = !tail && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const headers = this.headers ?? {};
    const res: HttpResponse = {
      status: this.status,
      contentType: headers['content-type'] ?? null,
      headers,
      text: buf.toString('utf8', start, end),
      truncated: this.truncated,
    };
    this.finish();
    this.resolve(res);
  }

  private finish(): void {
    this.settled = true;
    this.env.deadlines.remove(this);
    this.req.signal?.removeEventListener('abort', this);
    this.first = null;
    this.chunks = null;
    this.controller = null;
    this.env.slots.release();
  }

  private failure(e: unknown): HashwatchError {
    const req = this.req;
    const where = `${req.method} ${req.path} on ${req.address}`;
    if (e instanceof HashwatchError) return e;
    if (this.timedOut) {
      return new HashwatchError('Timeout', `${where}: no complete answer within ${this.timeoutMs} ms`, {
        address: req.address,
        endpoint: req.path,
        timeoutMs: this.timeoutMs,
      });
    }
    if (req.signal?.aborted) {
      return new HashwatchError('Cancelled', `${where} was cancelled`, {
        address: req.address,
        endpoint: req.path,
      });
    }
    const code = errCode(e);
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new HashwatchError(
        'Unreachable',
        `${req.address} did not accept a connection within ${this.connectTimeoutMs} ms`,
        {
          address: req.address,
          endpoint: req.path,
          cause: 'connect-timeout',
          connectTimeoutMs: this.connectTimeoutMs,
        },
      );
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new HashwatchError('Timeout', `${where}: no complete answer in time`, {
        address: req.address,
        endpoint: req.path,
      });
    }
    if (code && RESET_CODES.has(code)) {
      return new HashwatchError('Unreachable', `${req.address} dropped the connection (${where})`, {
        address: req.address,
        endpoint: req.path,
        cause: 'connection-reset',
      });
    }
    if (code && UNREACHABLE_CODES.has(code)) {
      return new HashwatchError('Unreachable', `${req.address} is unreachable (${code})`, {
        address: req.address,
        endpoint: req.path,
        cause: code,
      });
    }
    return new HashwatchError(
      'Unreachable',
      `${where} failed: ${e instanceof Error ? e.message : String(e)}`,
      {
        address: req.address,
        endpoint: req.path,
        cause: code ?? 'network',
      },
    );
  }
}

/** Parsed origins by address (a fleet polls the same ones over and over); bounded for discovery sweeps. */
const ORIGIN_CACHE_MAX = 65_536;

interface Held {
  d: Dispatcher;
  /** Sockets of `d` connected now. */
  connected: number;
}

/**
 * Keep-alive dispatchers by origin, for one connect timeout: a `Client` per miner (a `Pool` when more
 * than one connection per miner is allowed), all on one shared connector. A miner's dispatcher is
 * dropped (closed gracefully) when its last socket closes or a connect fails, and made again on its
 * next request.
 *
 * This is what undici's `Agent` does, minus its per-miner cost: the Agent gives every miner's
 * dispatcher four listener closures and a connector of its own (its options, a TLS session cache
 * and a finalization registry), ~1.7 KB of heap per miner, 17 MB at 10,000 miners. Here the
 * listeners are three functions shared by the whole fleet.
 */
class Dispatchers {
  private readonly held = new Map<string, Held>();
  private readonly options: Pool.Options;
  private readonly onConnect = (origin: URL, targets: readonly Dispatcher[]) => {
    const h = this.held.get(origin.origin);
    if (h && h.d === targets[0]) h.connected += 1;
  };
  private readonly onDisconnect = (origin: URL, targets: readonly Dispatcher[]) =>
    this.release(origin, targets, true);
  private readonly onConnectionError = (origin: URL, targets: readonly Dispatcher[]) =>
    this.release(origin, targets, false);

  constructor(
    private readonly connections: number,
    connectTimeoutMs: number,
    keepAliveMs: number,
  ) {
    this.options = {
      connections,
      pipelining: 1,
      keepAliveTimeout: keepAliveMs,
      keepAliveMaxTimeout: keepAliveMs,
      connect: buildConnector({ timeout: connectTimeoutMs }),
      // Timeouts are enforced per request (Deadlines); undici's own defaults (300 s) would only mask them.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
  }

  /** The dispatcher for `origin`, which must be a URL origin as `new URL(x).origin` prints it. */
  get(origin: string): Dispatcher {
    let h = this.held.get(origin);
    if (h === undefined) {
      const d: Dispatcher =
        this.connections === 1 ? new Client(origin, this.options) : new Pool(origin, this.options);
      d.on('connect', this.onConnect)
        .on('disconnect', this.onDisconnect)
        .on('connectionError', this.onConnectionError);
      h = { d, connected: 0 };
      this.held.set(origin, h);
    }
    return h.d;
  }

  private release(origin: URL, targets: readonly Dispatcher[], wasConnected: boolean): void {
    const h = this.held.get(origin.origin);
    if (!h || h.d !== targets[0]) return;
    if (wasConnected) h.connected -= 1;
    if (h.connected > 0) return;
    this.held.delete(origin.origin);
    // Requests already queued on it still run; new ones get a fresh dispatcher.
    h.d.close().catch(() => {});
  }

  close(): Promise<unknown> {
    const all = [...this.held.values()];
    this.held.clear();
    return Promise.all(all.map(({ d }) => d.close().catch(() => d.destroy())));
  }
}

/** Builds the shared transport. Call `close()` once, at shutdown. */
export function createTransport(opts: TransportOptions): Transport {
  const byTimeout = new Map<number, Dispatchers>();
  const slots = new Slots(Math.max(1, opts.maxConnections));
  const origins = new Map<string, string>();
  let closed = false;

  // One set of dispatchers serves the whole fleet. A call that asks for a different connect timeout
  // (discovery's short probes) gets its own shared set for that value, created once.
  const dispatchersFor = (connectTimeoutMs: number): Dispatchers => {
    let d = byTimeout.get(connectTimeoutMs);
    if (!d) {
      d = new Dispatchers(
        Math.max(1, opts.maxConnectionsPerMiner),
        connectTimeoutMs,
        opts.keepAliveMs ?? 10_000,
      );
      byTimeout.set(connectTimeoutMs, d);
    }
    return d;
  };

  const originFor = (address: string): string => {
    let o = origins.get(address);
    if (o === undefined) {
      // The origin as undici reports it back (`URL.origin`: no default port), to find its dispatcher.
      o = new URL(originOf(address)).origin; // throws ValidationError for a bad address: not cached
      if (origins.size >= ORIGIN_CACHE_MAX) origins.clear();
      origins.set(address, o);
    }
    return o;
  };

  const dispatch = (call: Call): void => {
    const req = call.req;
    const json = req.json !== undefined;
    try {
      dispatchersFor(call.connectTimeoutMs)
        .get(call.origin)
        .dispatch(
          {
            origin: call.origin,
            path: req.path,
            method: req.method,
            headers: headerList(req.headers, json),
            body: json ? JSON.stringify(req.json) : null,
            reset: req.closeAfter === true,
          },
          call,
        );
    } catch (e) {
      // undici reports most refusals through the handler; anything thrown settles the call the same way.
      call.onResponseError(null, e as Error);
    }
  };
  const env: CallEnv = { slots, deadlines: new Deadlines(), dispatch };

  /** Sends on a slot already held; the slot is released when the call settles. */
  const start = (req: HttpRequest): Promise<HttpResponse> => {
    let origin: string;
    try {
      origin = originFor(req.address);
    } catch (e) {
      slots.release();
      return Promise.reject(e);
    }
    const connectTimeoutMs = req.connectTimeoutMs ?? opts.connectTimeoutMs;
    const call = new Call(env, req, origin, req.timeoutMs ?? opts.requestTimeoutMs, connectTimeoutMs);
    dispatch(call);
    return call.promise;
  };

  const once = (req: HttpRequest): Promise<HttpResponse> => {
    if (req.signal?.aborted) {
      return Promise.reject(
        new HashwatchError('Cancelled', `${req.method} ${req.path} on ${req.address} was cancelled`, {
          address: req.address,
        }),
      );
    }
    if (slots.tryAcquire()) return start(req);
    return slots.wait(req.signal).then(
      () => start(req),
      () => {
        throw new HashwatchError(
          'Cancelled',
          `${req.method} ${req.path} on ${req.address} was cancelled while queued`,
          { address: req.address },
        );
      },
    );
  };

  return {
    send(req) {
      if (closed) return Promise.reject(new HashwatchError('Unavailable', 'The vnish client is closed'));
      return once(req);
    },
    load: () => slots.load(),
    async close() {
      closed = true;
      const all = [...byTimeout.values()];
      byTimeout.clear();
      await Promise.all(all.map((d) => d.close()));
    },
  };
}
