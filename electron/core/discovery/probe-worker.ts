/**
 * The TCP probe loop on a worker thread, for large scans.
 *
 * A /16 is 131,072 connects: mostly kernel work, but on the thread that also fingerprints and reads
 * the miners already found (HTTP, JSON, normalisation), each slows the other. On a worker the sweep
 * runs beside that work, on another core when there is one, and the main loop stays responsive.
 * The worker is a self-contained script evaluated from a string (no imports of this project's
 * modules), so it runs the same from the TypeScript sources, the esbuild bundles and Electron.
 * Only hosts that accepted are sent back individually; everything else travels as a count.
 */
import { Worker } from 'node:worker_threads';
import { ipv4ToString, type TargetSet } from './targets.js';
import type { ProbeResult } from './probe.js';

export interface WorkerProbeOptions {
  concurrency: number;
  timeoutMs: number;
  ports: readonly number[];
  signal?: AbortSignal;
}

/** The worker script (CommonJS, plain JavaScript); mirrors `probeTargets` + `tcpConnect` in probe.ts. */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const util = require('node:util');
const { ipv4, hosts, ports, concurrency, timeoutMs } = workerData;
const RETRY = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EAGAIN']);
const outcomeOf = (code) => (code === 'ECONNREFUSED' ? 'closed' : RETRY.has(code) ? 'retry' : 'error');
const errName = (s) => { try { return util.getSystemErrorName(s); } catch { return 'UNKNOWN'; } };
let wrap = null;
try {
  const b = process.binding('tcp_wrap');
  if (b && typeof b.TCP === 'function' && typeof b.TCPConnectWrap === 'function' &&
      b.constants && typeof b.constants.SOCKET === 'number') wrap = b;
} catch { wrap = null; }

function viaSocket(host, port, cb) {
  let done = false;
  let socket;
  const finish = (o) => { if (done) return; done = true; clearTimeout(timer); if (socket) socket.destroy(); cb(o); };
  const timer = setTimeout(() => setImmediate(() => finish('timeout')), timeoutMs);
  try { socket = net.connect({ host, port, noDelay: true }); } catch (e) { finish(outcomeOf(e && e.code)); return; }
  socket.once('connect', () => finish('open'));
  socket.once('error', (e) => finish(outcomeOf(e && e.code)));
}

function connect(host, port, cb) {
  const family = net.isIP(host);
  if (!wrap || !family) return viaSocket(host, port, cb);
  let handle, req;
  try { handle = new wrap.TCP(wrap.constants.SOCKET); req = new wrap.TCPConnectWrap(); }
  catch { wrap = null; return viaSocket(host, port, cb); }
  let done = false;
  const finish = (o) => { if (done) return; done = true; clearTimeout(timer); handle.close(); cb(o); };
  req.oncomplete = (status) => finish(status === 0 ? 'open' : outcomeOf(errName(status)));
  const timer = setTimeout(() => setImmediate(() => finish('timeout')), timeoutMs);
  let err;
  try { err = family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port); } catch { err = -1; }
  if (err) finish(outcomeOf(errName(err)));
}

const total = ipv4.length + hosts.length;
let next = 0;
let inFlight = 0;
let limit = concurrency;
let lastPressure = 0;
let aborted = false;
let done = 0;
let open = [];
const queue = [];
const retries = [];

function refill() {
  while (queue.length === 0 && next < total) {
    const i = next++;
    const t = i < ipv4.length ? null : hosts[i - ipv4.length];
    const host = t ? t.host : (ipv4[i] >>> 24) + '.' + ((ipv4[i] >>> 16) & 255) + '.' + ((ipv4[i] >>> 8) & 255) + '.' + (ipv4[i] & 255);
    const list = t && t.port !== null ? [t.port] : ports;
    const state = { i, host, list, open: [], pending: list.length };
    for (const port of list) queue.push({ state, port, tries: 0 });
  }
  return queue.length > 0;
}

function flush() {
  if (done === 0 && open.length === 0) return;
  parentPort.postMessage({ type: 'batch', done, open });
  done = 0;
  open = [];
}
const flushTimer = setInterval(flush, 25);

function complete(job, outcome) {
  const s = job.state;
  if (outcome === 'open') s.open.push(job.port);
  if (--s.pending === 0) {
    done++;
    if (s.open.length) open.push([s.i, s.list.filter((p) => s.open.includes(p))]);
    if (open.length >= 256 || done >= 8192) flush();
  }
}

function pump() {
  if (aborted) return;
  while (inFlight < limit) {
    const job = retries.shift() || (refill() ? queue.shift() : undefined);
    if (!job) break;
    inFlight++;
    connect(job.state.host, job.port, (outcome) => {
      inFlight--;
      if (aborted) return;
      if (outcome === 'retry') {
        const now = Date.now();
        if (now - lastPressure > 50) limit = Math.max(16, Math.floor(Math.max(inFlight, 16) * 0.75));
        lastPressure = now;
        if (job.tries++ < 20) retries.push(job); else complete(job, 'error');
        setTimeout(pump, 10);
        return;
      }
      if (limit < concurrency && Date.now() - lastPressure > 1000) limit = Math.min(concurrency, limit * 2);
      complete(job, outcome);
      pump();
    });
  }
  if (inFlight === 0 && retries.length === 0 && !refill()) end();
}

function end() {
  clearInterval(flushTimer);
  flush();
  parentPort.postMessage({ type: 'end' });
}

parentPort.on('message', (m) => {
  if (m && m.type === 'abort') { aborted = true; clearInterval(flushTimer); }
});
pump();
`;

/**
 * Probes `targets` on a worker thread. `onOpen` gets each target that accepted on some port,
 * `onCount` the number of targets finished (open or not) since the last call. Returns null when a
 * worker cannot be started here; the caller then probes on its own thread.
 */
export function probeInWorker(
  targets: TargetSet,
  onOpen: (r: ProbeResult) => void,
  onCount: (n: number) => void,
  opts: WorkerProbeOptions,
): Promise<void> | null {
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ipv4: targets.ipv4,
        hosts: targets.hosts,
        ports: [...opts.ports],
        concurrency: opts.concurrency,
        timeoutMs: opts.timeoutMs,
      },
    });
  } catch {
    return null;
  }
  const targetAt = (i: number) =>
    i < targets.ipv4.length
      ? { host: ipv4ToString(targets.ipv4[i]!), port: null }
      : targets.hosts[i - targets.ipv4.length]!;
  return new Promise<void>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'abort' });
      finish();
    };
    worker.on(
      'message',
      (m: { type: 'batch'; done: number; open: Array<[number, number[]]> } | { type: 'end' }) => {
        if (settled) return;
        if (m.type === 'end') return finish();
        for (const [i, ports] of m.open) onOpen({ target: targetAt(i), openPorts: ports, alive: true });
        if (m.done > m.open.length) onCount(m.done - m.open.length);
      },
    );
    // A worker that dies mid-scan ends the probe with what it reported; the summary shows the shortfall.
    worker.once('error', finish);
    worker.once('exit', finish);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
