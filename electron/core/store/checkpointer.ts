/**
 * WAL checkpoints on a worker thread.
 *
 * In WAL mode SQLite copies committed pages back into the database file ("checkpoint"). By default the
 * connection that commits does it, inside the commit, whenever the WAL passes a size: on the poller's
 * thread that was a 60-90 ms stall every few seconds at 10,000 miners, the longest pause of the event
 * loop. Here the main connection never checkpoints (`wal_autocheckpoint = 0`); a second connection on a
 * worker runs a PASSIVE checkpoint every `everyMs`. PASSIVE takes no lock a writer or reader waits on:
 * it copies what no reader still needs and leaves the rest for the next round, and once it has caught
 * up the next commit starts the WAL over from the beginning, so the file stays small.
 *
 * The worker is a self-contained script evaluated from a string (it requires better-sqlite3 by the path
 * the main thread resolved), so it runs the same from the TypeScript sources, the bundles and Electron.
 * When no worker can start, or it dies, the main connection checkpoints by itself again.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { IN_THREAD_AUTOCHECKPOINT } from './open.js';

export interface CheckpointerOptions {
  /** Between checkpoints, ms. */
  everyMs?: number;
  /** What the main connection goes back to when the worker is gone (pages). */
  fallbackAutocheckpoint?: number;
  onError?: (error: unknown) => void;
}

export interface CheckpointStats {
  /** Checkpoints run. */
  runs: number;
  /** Longest checkpoint, ms (on the worker, not the main thread). */
  maxMs: number;
  /** All checkpoints together, ms of wall time on the worker (disk syncs included). */
  totalMs: number;
  /** All checkpoints together, ms of the worker thread's CPU time; null where the OS does not say (Linux does). */
  cpuMs: number | null;
  /** WAL frames in the log at the last checkpoint, and how many of them it copied. */
  lastLogFrames: number;
  lastCheckpointed: number;
}

export interface Checkpointer {
  stats(): CheckpointStats;
  /** Final checkpoint and close of the worker's connection; waits at most `timeoutMs`. */
  close(timeoutMs?: number): void;
}

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const flag = new Int32Array(workerData.flag);
let db = null;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('wal_autocheckpoint = 0');
} catch (e) {
  parentPort.postMessage({ type: 'error', message: String(e && e.message || e) });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  process.exit(0);
}
const fs = require('node:fs');
// This thread's CPU time, ns (Linux schedstat); null elsewhere.
let cpuFd = null;
try { cpuFd = fs.openSync('/proc/thread-self/schedstat', 'r'); } catch {}
const cpuBuf = Buffer.alloc(128);
const cpuNs = () => {
  if (cpuFd === null) return null;
  try {
    const n = Number(cpuBuf.toString('latin1', 0, fs.readSync(cpuFd, cpuBuf, 0, 128, 0)).split(' ')[0]);
    return Number.isFinite(n) ? n : null;
  } catch { return null; }
};
const stats = { runs: 0, maxMs: 0, totalMs: 0, cpuMs: cpuFd === null ? null : 0, lastLogFrames: 0, lastCheckpointed: 0 };
const run = (mode) => {
  const t = performance.now();
  const c = cpuNs();
  try {
    const r = db.pragma('wal_checkpoint(' + mode + ')')[0] || {};
    stats.runs++;
    stats.lastLogFrames = Number(r.log) || 0;
    stats.lastCheckpointed = Number(r.checkpointed) || 0;
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: String(e && e.message || e) });
  }
  const ms = performance.now() - t;
  stats.maxMs = Math.max(stats.maxMs, ms);
  stats.totalMs += ms;
  const c1 = cpuNs();
  if (stats.cpuMs !== null && c !== null && c1 !== null) stats.cpuMs += (c1 - c) / 1e6;
};
const timer = setInterval(() => {
  run('PASSIVE');
  parentPort.postMessage({ type: 'stats', stats });
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m && m.type === 'close') {
    clearInterval(timer);
    run('PASSIVE');
    try { db.close(); } catch {}
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    process.exit(0);
  }
});
parentPort.postMessage({ type: 'ready' });
`;

/**
 * Starts checkpointing `path` (already open as `db`, in WAL mode) on a worker, and turns off the main
 * connection's own checkpoints while the worker lives. Returns null for in-memory databases or when no
 * worker can be started; the main connection then keeps checkpointing by itself.
 */
export function startCheckpointer(
  db: Database.Database,
  path: string,
  opts: CheckpointerOptions = {},
): Checkpointer | null {
  if (path === ':memory:' || path === '' || db.memory) return null;
  const fallback = opts.fallbackAutocheckpoint ?? IN_THREAD_AUTOCHECKPOINT;
  const flag = new SharedArrayBuffer(4);
  let stats: CheckpointStats = {
    runs: 0,
    maxMs: 0,
    totalMs: 0,
    cpuMs: null,
    lastLogFrames: 0,
    lastCheckpointed: 0,
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        everyMs: Math.max(50, opts.everyMs ?? 500),
        flag,
      },
    });
  } catch (e) {
    opts.onError?.(e);
    return null;
  }
  let alive = true;
  db.pragma('wal_autocheckpoint = 0');
  const gone = (e?: unknown) => {
    if (!alive) return;
    alive = false;
    if (e !== undefined) opts.onError?.(e);
    // Without the worker nothing would ever checkpoint: the WAL would grow without end.
    if (db.open) db.pragma(`wal_autocheckpoint = ${fallback}`);
  };
  worker.on('message', (m: { type: string; stats?: CheckpointStats; message?: string }) => {
    if (m.type === 'stats' && m.stats) stats = m.stats;
    else if (m.type === 'error') opts.onError?.(new Error(`WAL checkpointer: ${m.message ?? 'failed'}`));
  });
  worker.once('error', (e) => gone(e));
  worker.once('exit', () => gone());
  // The worker's connection must not keep the process alive on its own.
  worker.unref();

  return {
    stats: () => ({ ...stats }),
    close(timeoutMs = 2000) {
      if (!alive) return;
      alive = false;
      worker.postMessage({ type: 'close' });
      // Shutdown only: wait (bounded) for the worker's connection to close, so the main connection is
      // the last one and its own close folds the WAL into the database file and removes it.
      Atomics.wait(new Int32Array(flag), 0, 0, timeoutMs);
    },
  };
}
