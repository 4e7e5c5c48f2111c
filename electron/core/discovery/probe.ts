/**
 * The TCP connect probe: which addresses accept a connection on the miner ports.
 *
 * A farm subnet is mostly silent addresses (no SYN-ACK, no RST), so the connect timeout dominates a
 * scan's duration and the only lever is many sockets in flight at once with a short timeout. This uses
 * raw `node:net` sockets (no HTTP), counts concurrency in sockets, and only the hosts that accepted are
 * fingerprinted afterwards. Both default ports are probed at once per host: an RST on 80 says nothing
 * about 4028, and probing them in sequence would double the time spent on silent hosts.
 * When the process runs out of file descriptors or ephemeral ports, the probe is retried at lower
 * concurrency instead of being counted as a miss.
 */
import net from 'node:net';
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

/** One raw TCP connect with a hard timeout; the socket is always destroyed before resolving. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome | 'retry'> {
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
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    try {
      socket = net.connect({ host, port, noDelay: true });
    } catch (e) {
      clearTimeout(timer);
      settled = true;
      resolve(RETRYABLE.has((e as NodeJS.ErrnoException).code ?? '') ? 'retry' : 'error');
      return;
    }
    socket.once('connect', () => finish('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      finish(code === 'ECONNREFUSED' ? 'closed' : RETRYABLE.has(code) ? 'retry' : 'error');
    });
  });
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
