import { afterEach, describe, expect, it } from 'vitest';
import { openStore, SCHEMA_VERSION, type Store } from '../../../electron/core/store/index.js';
import { HashwatchError } from '../../../shared/errors.js';
import {
  addressOf,
  macOf,
  manualClock,
  offlineResult,
  okResult,
  valuesAt,
} from '../../fixtures/store/snapshots.js';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0); // a minute boundary
const MIN = 60_000;

let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function open(start = T0) {
  const clock = manualClock(start);
  store = openStore({ path: ':memory:', clock });
  return { store, clock };
}

/** `minutes` minutes of 10 s polls for miners 0..n-1, starting at T0. */
function fill(s: Store, n: number, minutes: number, every = 10_000) {
  for (let at = T0; at < T0 + minutes * MIN; at += every) {
    s.writeCycle(Array.from({ length: n }, (_, i) => okResult(i, at)));
  }
}

describe('store: miners', () => {
  it('creates miners from poll results, keeps model/firmware, labels and the address history', () => {
    const { store } = open();
    store.writeCycle([okResult(1, T0)]);
    store.setLabels(macOf(1), { site: 'north', row: '3', rack: 'B' });
    const moved = { ...okResult(1, T0 + 10_000), address: '10.9.9.9' };
    store.writeCycle([moved]);
    const [m] = store.listMiners();
    expect(m).toMatchObject({
      id: macOf(1),
      mac: macOf(1),
      address: '10.9.9.9',
      model: 'Antminer S19j Pro',
      firmware: 'vnish 1.2.6',
      labels: { site: 'north', row: '3', rack: 'B' },
      firstSeenAt: T0,
      lastSeenAt: T0 + 10_000,
    });
    expect(m!.addressHistory).toEqual([
      { address: addressOf(1), from: T0, to: T0 + 10_000 },
      { address: '10.9.9.9', from: T0 + 10_000, to: null },
    ]);
  });

  it('a miner first known only by address keeps its history when its MAC becomes known', () => {
    const { store } = open();
    const anon = { ...offlineResult(4, T0), id: `addr:${addressOf(4)}`, mac: null };
    store.writeCycle([anon]);
    store.writeCycle([okResult(4, T0 + 10_000)]);
    const miners = store.listMiners();
    expect(miners).toHaveLength(1);
    expect(miners[0]!.id).toBe(macOf(4));
    const h = store.history({ minerId: macOf(4), from: T0, to: T0 + 20_000, resolution: 'raw' });
    expect(h.points.map((p) => p.state)).toEqual(['offline', 'mining']);
  });

  it('upsertMiner and removeMiner; unknown ids are NotFound', () => {
    const { store, clock } = open();
    store.upsertMiner({ id: 'm1', mac: null, address: '10.0.0.1', model: 'S21', labels: { site: 'a' } });
    clock.advance(1000);
    store.upsertMiner({ id: 'm1', mac: null, address: '10.0.0.2' });
    const [m] = store.listMiners();
    expect(m).toMatchObject({ address: '10.0.0.2', model: 'S21', labels: { site: 'a' }, lastSeenAt: null });
    expect(m!.addressHistory.map((a) => a.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    store.removeMiner('m1');
    expect(store.listMiners()).toEqual([]);
    expect(() => store.removeMiner('m1')).toThrow(HashwatchError);
    expect(() => store.history({ minerId: 'm1', from: T0, to: T0 + 1 })).toThrow(/No stored miner/);
  });
});

describe('store: history', () => {
  it('raw per miner returns each poll in product units; offline polls have no values', () => {
    const { store } = open();
    store.writeCycle([
      okResult(0, T0, { hashrateThs: 101.234, powerW: 3210, chipTempMaxC: 71.5, pcbTempMaxC: 60.2 }),
    ]);
    store.writeCycle([offlineResult(0, T0 + 10_000)]);
    const h = store.history({ minerId: macOf(0), from: T0, to: T0 + 60_000, resolution: 'raw' });
    expect(h.resolution).toBe('raw');
    expect(h.points).toHaveLength(2);
    const [a, b] = h.points;
    expect(a).toMatchObject({ t: T0, state: 'mining', nominalThs: 104, fanMinRpm: 4100, offlineS: 0 });
    expect(a!.hashrateThs).toEqual({ avg: 101.234, min: 101.234, max: 101.234 });
    expect(a!.efficiencyJth.avg).toBeCloseTo(3210 / 101.234, 2);
    expect(a!.chipTempMaxC.max).toBe(71.5);
    expect(b).toMatchObject({ t: T0 + 10_000, state: 'offline', offlineS: 10 });
    expect(b!.hashrateThs.avg).toBeNull();
  });

  it('keeps each hash board per poll', () => {
    const { store } = open();
    store.writeCycle([okResult(0, T0, { hashrateThs: 99, powerW: 3000, chipTempMaxC: 80, pcbTempMaxC: 65 })]);
    store.writeCycle([offlineResult(0, T0 + 10_000)]);
    const chains = store.chainHistory({ minerId: macOf(0), from: T0, to: T0 + 20_000 });
    expect(chains.map((c) => [c.t, c.chain, c.state, c.chipTempMaxC])).toEqual([
      [T0, 0, 'mining', 80],
      [T0, 1, 'mining', 79],
      [T0, 2, 'mining', 78],
    ]);
    expect(chains[0]).toMatchObject({ hashrateThs: 33, powerW: 1000, frequencyMhz: 525, voltageMv: 13_600 });
  });

  it('fleet-wide raw sums the latest value of every miner and counts offline ones', () => {
    const { store } = open();
    store.writeCycle(
      [0, 1, 2].map((i) =>
        okResult(i, T0, { hashrateThs: 100, powerW: 3000, chipTempMaxC: 70 + i, pcbTempMaxC: 60 }),
      ),
    );
    store.writeCycle([offlineResult(2, T0 + 10_000)]);
    const h = store.history({ from: T0, to: T0 + 20_000, resolution: 'raw' });
    expect(h.minerId).toBeNull();
    expect(h.points.map((p) => [p.hashrateThs.avg, p.powerW.avg, p.onlineCount, p.offlineCount])).toEqual([
      [300, 9000, 3, 0],
      [200, 6000, 2, 1],
    ]);
    expect(h.points[0]!.chipTempMaxC.max).toBe(72);
    expect(h.points[0]!.efficiencyJth.avg).toBe(30);
  });

  it('a miner whose data is older than its poll interval allows is counted offline, not live', () => {
    const { store } = open();
    store.writeCycle([okResult(0, T0), okResult(1, T0)]);
    store.writeCycle([okResult(0, T0 + 10_000), okResult(1, T0 + 10_000)]);
    // Miner 1 stops being reported; ten minutes later only miner 0 is polled.
    store.writeCycle([okResult(0, T0 + 600_000)]);
    const last = store.history({ from: T0 + 600_000, to: T0 + 600_000, resolution: 'raw' }).points[0]!;
    expect([last.onlineCount, last.offlineCount, last.minerCount]).toEqual([1, 1, 2]);
  });

  it('1m history before and after maintenance agree, per miner and fleet-wide', () => {
    const { store, clock } = open();
    fill(store, 3, 5);
    clock.set(T0 + 5 * MIN + 30_000);
    const before = store.history({ minerId: macOf(1), from: T0, to: T0 + 5 * MIN - 1, resolution: '1m' });
    const fleetBefore = store.history({ from: T0, to: T0 + 5 * MIN - 1, resolution: '1m' });
    const work = store.maintain();
    expect(work.rolledUp).toBeGreaterThanOrEqual(5 * 3);
    const after = store.history({ minerId: macOf(1), from: T0, to: T0 + 5 * MIN - 1, resolution: '1m' });
    const fleetAfter = store.history({ from: T0, to: T0 + 5 * MIN - 1, resolution: '1m' });
    expect(after.points).toHaveLength(5);
    expect(after.points).toEqual(before.points);
    expect(fleetAfter.points).toEqual(fleetBefore.points);
    const p = after.points[2]!;
    const v = valuesAt(1, T0 + 2 * MIN);
    expect(p).toMatchObject({ t: T0 + 2 * MIN, samples: 6, offlineS: 0 });
    expect(p.hashrateThs).toEqual({ avg: v.hashrateThs, min: v.hashrateThs, max: v.hashrateThs });
    const fp = fleetAfter.points[2]!;
    const total = [0, 1, 2].reduce((a, i) => a + valuesAt(i, T0 + 2 * MIN).hashrateThs, 0);
    expect(fp.hashrateThs.avg).toBe(total);
    expect(fp.onlineCount).toBe(3);
  });

  it('maintenance works through a backlog in bounded calls and says when it is done', () => {
    const { store, clock } = open();
    fill(store, 20, 30);
    clock.set(T0 + 31 * MIN);
    const calls: Array<{ rolledUp: number; more: boolean }> = [];
    for (let k = 0; k < 100; k++) {
      const r = store.maintain({ maxRows: 300 });
      calls.push(r);
      if (!r.more) break;
    }
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.at(-1)!.more).toBe(false);
    // 30 minutes x 20 miners of 1m rollups + 2 quarters x 20 of 15m rollups, plus the fleet rows.
    expect(calls.reduce((a, r) => a + r.rolledUp, 0)).toBe(30 * 21 + 2 * 21);
    expect(store.maintain({ maxRows: 300 })).toEqual({ rolledUp: 0, pruned: 0, more: false });
  });

  it('1m rollups hold avg/min/max and offline seconds of the minute', () => {
    const { store, clock } = open();
    const hr = [90, 100, 110, 120];
    hr.forEach((h, k) =>
      store.writeCycle([
        okResult(0, T0 + k * 10_000, {
          hashrateThs: h,
          powerW: 3000 + k * 100,
          chipTempMaxC: 70 + k,
          pcbTempMaxC: 60,
        }),
      ]),
    );
    store.writeCycle([offlineResult(0, T0 + 40_000)]);
    store.writeCycle([offlineResult(0, T0 + 50_000)]);
    clock.set(T0 + 2 * MIN);
    store.maintain();
    const [p] = store.history({ minerId: macOf(0), from: T0, to: T0 + MIN - 1, resolution: '1m' }).points;
    expect(p).toMatchObject({ samples: 6, offlineS: 20 });
    expect(p!.hashrateThs).toEqual({ avg: 105, min: 90, max: 120 });
    expect(p!.powerW).toEqual({ avg: 3150, min: 3000, max: 3300 });
    expect(p!.chipTempMaxC).toEqual({ avg: 71.5, min: 70, max: 73 });
  });

  it('auto picks raw for short recent ranges, 1m for days, 15m for longer or older ranges', () => {
    const now = T0 + 10 * 86_400_000;
    const { store } = open(now);
    store.writeCycle([okResult(0, now)]);
    const pick = (from: number, to: number) => store.history({ minerId: macOf(0), from, to }).resolution;
    expect(pick(now - 3_600_000, now)).toBe('raw');
    expect(pick(now - 86_400_000, now)).toBe('1m');
    expect(pick(now - 3 * 86_400_000 - 1, now)).toBe('15m');
    // Short but older than raw retention: raw is gone, so 1m.
    expect(pick(now - 72 * 3_600_000, now - 71 * 3_600_000)).toBe('1m');
    expect(store.history({ from: now - 3_600_000, to: now }).resolution).toBe('raw');
  });

  it('maxPoints merges neighbouring points without losing extremes', () => {
    const { store } = open();
    fill(store, 1, 10);
    const full = store.history({ minerId: macOf(0), from: T0, to: T0 + 10 * MIN, resolution: 'raw' });
    const small = store.history({
      minerId: macOf(0),
      from: T0,
      to: T0 + 10 * MIN,
      resolution: 'raw',
      maxPoints: 7,
    });
    expect(full.points).toHaveLength(60);
    expect(small.points.length).toBeLessThanOrEqual(7);
    const maxOf = (ps: typeof full.points) => Math.max(...ps.map((p) => p.hashrateThs.max ?? 0));
    expect(maxOf(small.points)).toBe(maxOf(full.points));
    expect(small.points.reduce((a, p) => a + p.samples, 0)).toBe(60);
  });

  it('rejects an inverted range, and a poll result without a valid time (before writing anything)', () => {
    const { store } = open();
    expect(() => store.history({ from: T0 + 1, to: T0 })).toThrow(/from <= to/);
    expect(() => store.writeCycle([okResult(1, T0), { ...okResult(2, T0), at: Number.NaN }])).toThrow(
      HashwatchError,
    );
    expect(store.listMiners()).toEqual([]);
  });
});

describe('store: CSV export', () => {
  it('streams a header and one line per point with ISO times', () => {
    const { store, clock } = open();
    fill(store, 2, 3);
    clock.set(T0 + 4 * MIN);
    store.maintain();
    const chunks: string[] = [];
    store.exportCsv({ minerId: macOf(1), from: T0, to: T0 + 3 * MIN - 1, resolution: '1m' }, (c) =>
      chunks.push(c),
    );
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^time,miner,resolution,samples,state,hashrate_ths_avg,/);
    expect(lines).toHaveLength(4);
    const cells = lines[1]!.split(',');
    const header = lines[0]!.split(',');
    expect(cells[0]).toBe(new Date(T0).toISOString());
    expect(cells[1]).toBe(macOf(1));
    expect(Number(cells[header.indexOf('hashrate_ths_avg')])).toBe(valuesAt(1, T0).hashrateThs);

    const per: string[] = [];
    store.exportCsv({ from: T0, to: T0 + 3 * MIN - 1, resolution: '1m', perMiner: true }, (c) => per.push(c));
    const perLines = per.join('').trimEnd().split('\n').slice(1);
    expect(perLines).toHaveLength(2 * 3);
    expect(new Set(perLines.map((l) => l.split(',')[1]))).toEqual(new Set([macOf(0), macOf(1)]));

    const raw: string[] = [];
    store.exportCsv({ from: T0, to: T0 + 3 * MIN - 1, resolution: 'raw' }, (c) => raw.push(c));
    expect(raw.join('').trimEnd().split('\n')).toHaveLength(1 + 18);
  });
});

describe('store: events and settings', () => {
  it('appends and filters events', () => {
    const { store } = open();
    store.appendEvents([
      {
        at: T0,
        minerId: 'a',
        kind: 'state',
        message: 'mining -> failure',
        data: { from: 'mining', to: 'failure' },
      },
      { at: T0 + 1, minerId: 'a', kind: 'alert.raised', severity: 'critical', message: 'chain 2 failed' },
      { at: T0 + 2, minerId: 'b', kind: 'alert.raised', severity: 'warning', message: 'hot' },
      { at: T0 + 3, minerId: null, kind: 'action', message: 'preset applied' },
    ]);
    expect(store.listEvents({}).map((e) => e.at)).toEqual([T0 + 3, T0 + 2, T0 + 1, T0]);
    expect(store.listEvents({ minerId: 'a', order: 'asc' }).map((e) => e.kind)).toEqual([
      'state',
      'alert.raised',
    ]);
    expect(store.listEvents({ kinds: ['alert.raised'], limit: 1 })[0]).toMatchObject({
      minerId: 'b',
      severity: 'warning',
    });
    expect(store.listEvents({ from: T0 + 1, to: T0 + 2 })).toHaveLength(2);
    expect(store.listEvents({ kinds: ['state'] })[0]!.data).toEqual({ from: 'mining', to: 'failure' });
  });

  it('never writes a secret-looking field of event data', () => {
    const { store } = open();
    store.appendEvents([
      {
        at: T0,
        minerId: 'a',
        kind: 'action',
        message: 'password changed',
        data: { user: 'root', newPassword: 'hunter2', nested: { token: 'abc' } },
      },
    ]);
    const [e] = store.listEvents({});
    expect(e!.data).toEqual({ user: 'root', newPassword: '[redacted]', nested: { token: '[redacted]' } });
  });

  it('keeps settings as JSON and refuses anything that looks like a secret', () => {
    const { store } = open();
    store.setSetting('poll.intervalS', 10);
    store.setSetting('ui', { theme: 'dark' });
    expect(store.getSetting<number>('poll.intervalS')).toBe(10);
    expect(store.getSetting('ui')).toEqual({ theme: 'dark' });
    expect(store.getSetting('missing')).toBeUndefined();
    for (const k of ['miner.password', 'host.accessToken', 'apiKey', 'secret']) {
      expect(() => store.setSetting(k, 'x')).toThrow(/keychain/);
    }
  });

  it('reports schema, integrity and retention', () => {
    const { store } = open();
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.retention()).toMatchObject({ rawHours: 48, oneMinuteDays: 30, fifteenMinuteDays: 730 });
    store.setRetention({ rawHours: 24 });
    expect(store.retention().rawHours).toBe(24);
    expect(() => store.setRetention({ rawHours: -1 })).toThrow(HashwatchError);
  });
});
