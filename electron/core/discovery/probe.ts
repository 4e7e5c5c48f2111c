/**
 * The TCP connect probe: which addresses accept a connection on the miner ports.
 *
 * A farm subnet is mostly silent addresses (no SYN-ACK, no RST), so the connect timeout dominates a
 * scan's duration and the only lever is many sockets in flight at once with a short timeout. This uses
 * raw TCP connects (no HTTP), counts concurrency in sockets, and only the hosts that accepted are
 * fingerprinted afterwards. Both default ports are probed at once per host: an RST on 80 says nothing
 * about 4028, and probing them in sequence would double the time spent on silent hosts.
 * When the process runs out of file descriptors or ephemeral ports, the probe is retried at lower
 * concurrency instead of being counted as a miss.
 */
import net from 'node:net';
import util from 'node:util';
import type { ScanTarget } from './targets.js';

/** The vnish web UI / API port and the cgminer API port. */
export const DEFAULT_PROBE_PORTS: readonly number[] = [80, 4028];
/** Sockets in flight at once. */
export const DEFAULT_PROBE_CONCURRENCY = 1024;
/** Connect timeout per probe: LAN hosts answer in a few ms; silent ones never do. */
export const DEFAULT_PROBE_TIMEOUT_MS = 400;

export type ProbeOutcome = 'open' | 'closed' | 'timeout' | 'error';

/** What the probe learned about one target. */
export interface ProbeResult {
  target: ScanTarget;
  /** Ports that accepted a connection, in the order they were asked for. */
  openPorts: number[];
  /** True when something answered at all (accepted or refused): the host exists. */
  alive: boolean;
}

export interface ProbeOptions {
  concurrency?: number;
  timeoutMs?: number;
  /** Ports for targets without an explicit one (default 80 and 4028). */
  ports?: readonly number[];
  signal?: AbortSignal;
  /** Replaces the socket connect (unit tests). */
  connect?: (host: string, port: number, timeoutMs: number) => Promise<ProbeOutcome | 'retry'>;
}

const RETRYABLE = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EAGAIN']);

const outcomeOf = (code: string): ProbeOutcome | 'retry' =>
  code === 'ECONNREFUSED' ? 'closed' : RETRYABLE.has(code) ? 'retry' : 'error';

/** One TCP connect through `net.Socket`, with a hard timeout; the socket is destroyed before resolving. */
export function netConnect(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome | 'retry'> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: net.Socket;
    const finish = (outcome: ProbeOutcome | 'retry') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    // When the event loop lags (fingerprinting in the same process), a due timer runs before the I/O
    // poll that would deliver a completed connect; deciding after that poll (setImmediate) avoids
    // counting a host that answered in time as silent.
    const timer = setTimeout(() => setImmediate(() => finish('timeout')), timeoutMs);
    try {
      socket = net.connect({ host, port, noDelay: true });
    } catch (e) {
      clearTimeout(timer);
      settled = true;
      resolve(outcomeOf((e as NodeJS.ErrnoException).code ?? ''));
      return;
    }
    socket.once('connect', () => finish('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => finish(outcomeOf(e.code ?? '')));
  });
}

/** The libuv TCP handle Node's own `net` module is built on (only what the probe touches). */
interface TcpWrap {
  TCP: new (type: number) => {
    connect(req: object, address: string, port: number): number;
    connect6(req: object, address: string, port: number): number;
    close(): void;
  };
  TCPConnectWrap: new () => { oncomplete?: (status: number) => void };
  constants: { SOCKET: number };
}

let tcpWrap: TcpWrap | null | undefined;

/**
 * Node's TCP handle binding, or null where it is not available. A probe needs no stream, no buffers
 * and no Error objects with stack traces, which is most of what `net.Socket` costs per connection:
 * going to the handle directly makes a sweep of refused addresses about twice as fast. Anything
 * unexpected about the binding disables this path and the probe uses `net.Socket`.
 */
function loadTcpWrap(): TcpWrap | null {
  if (tcpWrap !== undefined) return tcpWrap;
  tcpWrap = null;
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
    const b = binding?.call(process, 'tcp_wrap') as Partial<TcpWrap> | undefined;
    if (
      b &&
      typeof b.TCP === 'function' &&
      typeof b.TCPConnectWrap === 'function' &&
      typeof b.constants?.SOCKET === 'number' &&
      typeof b.TCP.prototype.connect === 'function' &&
      typeof b.TCP.prototype.close === 'function'
    ) {
      tcpWrap = b as TcpWrap;
    }
  } catch {
    tcpWrap = null;
  }
  return tcpWrap;
}

/** One TCP connect on a bare libuv handle (IP literals only); null when that path is unavailable. */
function handleConnect(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ProbeOutcome | 'retry'> | null {
  const family = net.isIP(host);
  const b = family ? loadTcpWrap() : null;
  if (!b) return null;
  let handle: InstanceType<TcpWrap['TCP']>;
  let req: InstanceType<TcpWrap['TCPConnectWrap']>;
  try {
    handle = new b.TCP(b.constants.SOCKET);
    req = new b.TCPConnectWrap();
  } catch {
    tcpWrap = null;
    return null;
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ProbeOutcome | 'retry') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      handle.close();
      resolve(outcome);
    };
    req.oncomplete = (status: number) => finish(status === 0 ? 'open' : outcomeOf(errName(status)));
    // See netConnect: decide a timeout only after the next I/O poll.
    const timer = setTimeout(() => setImmediate(() => finish('timeout')), timeoutMs);
    let err: number;
    try {
      err = family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port);
    } catch {
      err = -1;
    }
    if (err) finish(outcomeOf(errName(err)));
  });
}

function errName(status: number): string {
  try {
    return util.getSystemErrorName(status);
  } catch {
    return 'UNKNOWN';
  }
}

/** One TCP connect probe with a hard timeout: a bare handle for IP literals, else `net.Socket`. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome | 'retry'> {
  return handleConnect(host, port, timeoutMs) ?? netConnect(host, port, timeoutMs);
}

interface Job {
  state: { result: ProbeResult; pending: number };
  port: number;
  retries: number;
}

/**
 * Probes every target and calls `onResult` once per target as soon as all its ports are known.
 * Resolves when every target is done or the signal aborts (in-flight sockets are then abandoned,
 * each closes on its own timeout).
 */
export async function probeTargets(
  targets: Iterable<ScanTarget>,
  onResult: (result: ProbeResult) => void,
  opts: ProbeOptions = {},
): Promise<void> {
  const maxConcurrency = Math.max(1, opts.concurrency ?? DEFAULT_PROBE_CONCURRENCY);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const ports = opts.ports ?? DEFAULT_PROBE_PORTS;
  const connect = opts.connect ?? tcpConnect;
  const signal = opts.signal;
  const iterator = targets[Symbol.iterator]();
  const queue: Job[] = [];
  const retryQueue: Job[] = [];
  let limit = maxConcurrency;
  let inFlight = 0;
  let exhausted = false;
  let lastPressureAt = 0;

  const refill = (): boolean => {
    while (queue.length === 0 && !exhausted) {
      const next = iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const target = next.value;
      const list = target.port === null ? ports : [target.port];
      const state = { result: { target, openPorts: [], alive: false } as ProbeResult, pending: list.length };
      for (const port of list) queue.push({ state, port, retries: 0 });
    }
    return queue.length > 0;
  };

  return new Promise<void>((resolve) => {
    let done = false;
    const finishAll = () => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', finishAll);
      resolve();
    };
    signal?.addEventListener('abort', finishAll, { once: true });
    if (signal?.aborted) return finishAll();

    const complete = (job: Job, outcome: ProbeOutcome) => {
      const { state } = job;
      if (outcome === 'open') {
        state.result.openPorts.push(job.port);
        state.result.alive = true;
      } else if (outcome === 'closed') state.result.alive = true;
      if (--state.pending === 0) {
        // Report ports in the order they were asked for (80 before 4028), whichever answered first.
        const order = state.result.target.port === null ? ports : [state.result.target.port];
        state.result.openPorts.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        onResult(state.result);
      }
    };

    const pump = () => {
      if (done) return;
      while (inFlight < limit) {
        const job = retryQueue.shift() ?? (refill() ? queue.shift() : undefined);
        if (!job) break;
        inFlight++;
        void connect(job.state.result.target.host, job.port, timeoutMs).then((outcome) => {
          inFlight--;
          if (done) return;
          if (outcome === 'retry') {
            // Out of descriptors or ports: back off to what is in flight now and try this one again.
            const now = Date.now();
            if (now - lastPressureAt > 50) limit = Math.max(16, Math.floor(Math.max(inFlight, 16) * 0.75));
            lastPressureAt = now;
            if (job.retries++ < 20) retryQueue.push(job);
            else complete(job, 'error');
            setTimeout(pump, 10);
            return;
          }
          if (limit < maxConcurrency && Date.now() - lastPressureAt > 1000)
            limit = Math.min(maxConcurrency, limit * 2);
          complete(job, outcome);
          pump();
        });
      }
      if (inFlight === 0 && retryQueue.length === 0 && !refill()) finishAll();
    };
    pump();
  });
}
