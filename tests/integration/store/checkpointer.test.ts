import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../electron/core/store/index.js';
import { manualClock, okResult } from '../../fixtures/store/snapshots.js';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const dirs: string[] = [];
let store: Store | null = null;

afterEach(() => {
  store?.close();
  store = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const tempDb = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-ckpt-'));
  dirs.push(dir);
  return path.join(dir, 'hashwatch.db');
};

const walBytes = (file: string) => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

const waitFor = async (cond: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Ten minutes of a 200-miner farm polled every 10 s: a few thousand WAL pages. */
const write = (s: Store, from: number, minutes: number) => {
  for (let at = from; at < from + minutes * 60_000; at += 10_000) {
    s.writeCycle(Array.from({ length: 200 }, (_, i) => okResult(i, at)));
  }
};

describe('store: WAL checkpoints on a worker thread', () => {
  it('keeps the WAL from growing while the poller thread never checkpoints', async () => {
    const file = tempDb();
    store = openStore({ path: file, clock: manualClock(T0) });
    write(store, T0, 10);
    const grown = walBytes(file);
    expect(grown).toBeGreaterThan(1_000_000);
    // The worker copies the log back into the database file...
    await waitFor(() => {
      const st = store!.checkpointStats();
      return st !== null && st.runs > 0 && st.lastLogFrames > 0 && st.lastCheckpointed === st.lastLogFrames;
    });
    // ...and accounts for its time: copying megabytes is not free, and on Linux its own CPU is known.
    const st = store.checkpointStats()!;
    expect(st.totalMs).toBeGreaterThan(0);
    expect(st.totalMs).toBeGreaterThanOrEqual(st.maxMs);
    if (process.platform === 'linux') expect(st.cpuMs).toBeGreaterThan(0);
    else expect(st.cpuMs).toBeNull();
    // ...so the next commits start the log over instead of making it longer.
    write(store, T0 + 10 * 60_000, 10);
    expect(walBytes(file)).toBeLessThanOrEqual(grown * 1.2);
  });

  it('closes cleanly: the data is in the database file and the WAL is gone', async () => {
    const file = tempDb();
    store = openStore({ path: file, clock: manualClock(T0) });
    write(store, T0, 2);
    await waitFor(() => (store!.checkpointStats()?.runs ?? 0) > 0);
    store.close();
    store = null;
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT count(*) AS n FROM telemetry').get() as { n: number };
    db.close();
    expect(rows.n).toBe(200 * 12);
  });

  it('leaves checkpoints to the committing connection when asked, or for an in-memory database', () => {
    const file = tempDb();
    store = openStore({ path: file, clock: manualClock(T0), checkpointOnWorker: false });
    expect(store.checkpointStats()).toBeNull();
    store.close();
    store = openStore({ path: ':memory:', clock: manualClock(T0) });
    expect(store.checkpointStats()).toBeNull();
  });
});
