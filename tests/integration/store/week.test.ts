import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../electron/core/store/index.js';
import { decodeChains } from '../../../electron/core/store/codec.js';
import { macOf, manualClock, offlineResult, okResult, valuesAt } from '../../fixtures/store/snapshots.js';

// A simulated week: 4 miners polled once a minute, maintenance every 10 simulated minutes with a small
// budget, all driven by an injected clock. Miner 3 is unreachable from 03:00 to 03:30 every day.
const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 5, 0, 0, 0);
const END = T0 + 7 * DAY;
const MINERS = 4;
const offline = (i: number, at: number) =>
  i === 3 && (at - T0) % DAY >= 3 * 3_600_000 && (at - T0) % DAY < 3.5 * 3_600_000;

let dir = '';
let path = '';
let store: Store;
const clock = manualClock(T0);
let maxPrunedPerCall = 0;
let caughtUp = false;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashwatch-week-'));
  path = join(dir, 'week.db');
  store = openStore({ path, clock });
  for (let at = T0; at < END; at += MIN) {
    clock.set(at);
    store.writeCycle(
      Array.from({ length: MINERS }, (_, i) => (offline(i, at) ? offlineResult(i, at) : okResult(i, at))),
    );
    if ((at - T0) % (10 * MIN) === 0) {
      store.appendEvents([{ at, minerId: macOf(0), kind: 'state', message: 'tick' }]);
      const r = store.maintain({ maxRows: 400 });
      maxPrunedPerCall = Math.max(maxPrunedPerCall, r.pruned);
    }
  }
  clock.set(END + MIN);
  // Catch up: repeated small calls, never one big one, until a call says nothing is left.
  for (let k = 0; k < 1000; k++) {
    const r = store.maintain({ maxRows: 400 });
    maxPrunedPerCall = Math.max(maxPrunedPerCall, r.pruned);
    if (!r.more) break;
  }
  const idle = store.maintain({ maxRows: 400 });
  caughtUp = !idle.more && idle.rolledUp === 0 && idle.pruned === 0;
}, 120_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function counts() {
  const db = new Database(path, { readonly: true });
  // A poll's chains are packed in its telemetry row: count them as the store reads them back.
  db.function('nchains', (b: unknown) => (b instanceof Uint8Array ? decodeChains(b).length : 0));
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const r = {
    rawOldestMs: one('SELECT min(blk) * 60000 AS n FROM telemetry'),
    raw: one('SELECT count(*) AS n FROM telemetry'),
    rawOffline: one(`SELECT count(*) AS n FROM telemetry WHERE err IS NOT NULL`),
    chains: one('SELECT sum(nchains(chains)) AS n FROM telemetry'),
    m1: one('SELECT count(*) AS n FROM rollup_1m'),
    m1OldestMs: one('SELECT min(q * 15 + m) * 60000 AS n FROM rollup_1m'),
    m15: one('SELECT count(*) AS n FROM rollup_15m'),
    m15OldestMs: one('SELECT min(d * 96 + k) * 900000 AS n FROM rollup_15m'),
    fleetRaw: one('SELECT count(*) AS n FROM fleet_telemetry'),
    events: one('SELECT count(*) AS n FROM events'),
  };
  db.close();
  return r;
}

describe('store over a simulated week', () => {
  it('keeps 48 h of raw data and every rollup, pruning in bounded batches', () => {
    const c = counts();
    const rawCut = END + MIN - 48 * 3_600_000;
    expect(c.rawOldestMs).toBeGreaterThanOrEqual(rawCut - MIN);
    // 48 h of 1-minute polls remain (give or take the minute at each edge), per miner and per chain.
    expect(c.raw).toBeGreaterThanOrEqual(MINERS * (48 * 60 - 2));
    expect(c.raw).toBeLessThanOrEqual(MINERS * (48 * 60 + 2));
    const onlineRaw = c.raw - (3 * 60 * 30) / 1; // not exact: miner 3's offline polls have no chains
    expect(c.chains).toBeLessThanOrEqual(3 * c.raw);
    expect(c.chains).toBeGreaterThan(3 * onlineRaw - 3 * MINERS * 60);
    expect(c.m1).toBe(MINERS * 7 * 24 * 60);
    expect(c.m1OldestMs).toBe(T0);
    expect(c.m15).toBe(MINERS * 7 * 96);
    expect(c.m15OldestMs).toBe(T0);
    expect(c.fleetRaw).toBeLessThanOrEqual(48 * 60 + 2);
    expect(c.events).toBe(7 * 144);
    expect(caughtUp).toBe(true);
    expect(maxPrunedPerCall).toBeGreaterThan(0);
    expect(maxPrunedPerCall).toBeLessThanOrEqual(400 + 64);
  });

  it('1m and 15m rollups hold the right avg/min/max and offline time', () => {
    // Day 2, 10:00-10:15 for miner 1 (all 1m rollups and the 15m one are still there).
    const from = T0 + 2 * DAY + 10 * 3_600_000;
    const m1 = store.history({ minerId: macOf(1), from, to: from + 15 * MIN - 1, resolution: '1m' });
    expect(m1.points).toHaveLength(15);
    const values = m1.points.map((_, k) => valuesAt(1, from + k * MIN));
    m1.points.forEach((p, k) => expect(p.hashrateThs.avg).toBe(values[k]!.hashrateThs));
    const [q] = store.history({ minerId: macOf(1), from, to: from + 15 * MIN - 1, resolution: '15m' }).points;
    const hr = values.map((v) => v.hashrateThs);
    const pw = values.map((v) => v.powerW);
    const chip = values.map((v) => v.chipTempMaxC);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(q!.samples).toBe(15);
    expect(q!.hashrateThs.avg).toBeCloseTo(mean(hr), 3);
    expect(q!.hashrateThs.min).toBe(Math.min(...hr));
    expect(q!.hashrateThs.max).toBe(Math.max(...hr));
    expect(q!.powerW.avg).toBeCloseTo(mean(pw), 0);
    expect([q!.powerW.min, q!.powerW.max]).toEqual([Math.min(...pw), Math.max(...pw)]);
    expect(q!.chipTempMaxC.avg).toBeCloseTo(mean(chip), 1);
    expect(q!.offlineS).toBe(0);

    // Miner 3 was unreachable 03:00-03:30 on day 1: two whole quarters offline.
    const night = T0 + DAY + 3 * 3_600_000;
    const quarters = store.history({
      minerId: macOf(3),
      from: night - 15 * MIN,
      to: night + 45 * MIN - 1,
      resolution: '15m',
    });
    expect(quarters.points.map((p) => p.offlineS)).toEqual([0, 900, 900, 0]);
    expect(quarters.points[1]!.hashrateThs.avg).toBeNull();
  });

  it('whole-week history: auto picks 15m, per miner and fleet-wide, with the fleet totals', () => {
    const week = store.history({ minerId: macOf(0), from: T0, to: END - 1 });
    expect(week.resolution).toBe('15m');
    expect(week.points).toHaveLength(7 * 96);
    const fleet = store.history({ from: T0, to: END - 1 });
    expect(fleet.resolution).toBe('15m');
    expect(fleet.points).toHaveLength(7 * 96);
    const p = fleet.points[40]!; // day 0, 10:00
    const expected = [0, 1, 2, 3].reduce((a, i) => {
      let s = 0;
      for (let k = 0; k < 15; k++) s += valuesAt(i, T0 + 40 * 15 * MIN + k * MIN).hashrateThs;
      return a + s / 15;
    }, 0);
    expect(p.hashrateThs.avg).toBeCloseTo(expected, 1);
    expect(p.onlineCount).toBe(4);
    // Recent hours come raw (the last hour: 60 polls).
    const recent = store.history({ minerId: macOf(0), from: END - 3_600_000, to: END - 1 });
    expect(recent.resolution).toBe('raw');
    expect(recent.points).toHaveLength(60);
  });

  it('shorter retention set at run time prunes 1m and 15m rollups and events incrementally', () => {
    store.setRetention({ oneMinuteDays: 2, fifteenMinuteDays: 4, eventDays: 4 });
    let calls = 0;
    for (; calls < 5000; calls++) {
      const r = store.maintain({ maxRows: 1000 });
      expect(r.pruned).toBeLessThanOrEqual(1000 + 64);
      if (!r.more) break;
    }
    expect(calls).toBeGreaterThan(5);
    const c = counts();
    const now = END + MIN;
    expect(c.m1OldestMs).toBeGreaterThanOrEqual(now - 2 * DAY - 15 * MIN);
    expect(c.m15OldestMs).toBeGreaterThanOrEqual(now - 4 * DAY - 15 * MIN);
    expect(c.m15).toBeGreaterThan(0);
    expect(c.events).toBeLessThanOrEqual(4 * 144 + 1);
    expect(store.integrityCheck()).toBe('ok');
  });
});
