import { describe, expect, it } from 'vitest';
import { createAlertEngine } from '../../../electron/core/fleet/alerts.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import { ManualClock } from './manual-clock.js';
import { makeRecord } from './fixtures.js';

const setup = () => {
  const clock = new ManualClock();
  const engine = createAlertEngine({ clock, thresholds: { chipTempMaxC: 90 } });
  const poll = (snap: Partial<MinerSnapshot>, freshness: 'live' | 'offline' | 'stale' = 'live') => {
    clock.setTimeout(() => {}, 0);
    return engine.evaluate([makeRecord({ freshness }, snap)]);
  };
  return { clock, engine, poll };
};

describe('alert engine', () => {
  it('raises a temperature alert once, updates it while it lasts and clears it after cooling below the band', async () => {
    const { clock, engine, poll } = setup();
    expect(poll({ chipTempMaxC: 92 }).raised).toEqual([]); // one hot poll is not enough
    const second = poll({ chipTempMaxC: 93 });
    expect(second.raised).toHaveLength(1);
    expect(second.raised[0]).toMatchObject({
      kind: 'chip-temp',
      severity: 'warning',
      value: 93,
      threshold: 90,
    });
    expect(second.raised[0]!.message).toContain('93 °C');

    await clock.advance(10_000);
    const worse = poll({ chipTempMaxC: 97 });
    expect(worse.raised).toEqual([]);
    expect(worse.updated.map((a) => a.severity)).toEqual(['critical']);
    expect(engine.active()).toHaveLength(1);
    expect(engine.active()[0]).toMatchObject({ value: 97, severity: 'critical' });

    // Inside the hysteresis band (85 < t <= 90): still active, nothing cleared.
    expect(poll({ chipTempMaxC: 88 }).cleared).toEqual([]);
    expect(poll({ chipTempMaxC: 87 }).cleared).toEqual([]);
    expect(engine.active()).toHaveLength(1);
    // Cool enough, twice in a row: cleared exactly once.
    expect(poll({ chipTempMaxC: 80 }).cleared).toEqual([]);
    const cleared = poll({ chipTempMaxC: 80 }).cleared;
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.clearedAt).not.toBeNull();
    expect(poll({ chipTempMaxC: 80 }).cleared).toEqual([]);
    expect(engine.active()).toEqual([]);
  });

  it('does not flap when a value hovers around the threshold', () => {
    const { poll } = setup();
    let raised = 0;
    for (let i = 0; i < 20; i++) raised += poll({ chipTempMaxC: i % 2 ? 91 : 89 }).raised.length;
    expect(raised).toBe(0);
    // Once raised, hovering at the threshold keeps exactly one alert and never clears it.
    poll({ chipTempMaxC: 80 });
    poll({ chipTempMaxC: 92 });
    expect(poll({ chipTempMaxC: 92 }).raised).toHaveLength(1);
    let cleared = 0;
    for (let i = 0; i < 20; i++) {
      const c = poll({ chipTempMaxC: i % 2 ? 91 : 88 });
      raised += c.raised.length;
      cleared += c.cleared.length;
    }
    expect(raised).toBe(0);
    expect(cleared).toBe(0);
  });

  it('raises offline at once when the monitor says so, and clears it when the miner answers', () => {
    const { engine, poll } = setup();
    const down = poll({}, 'offline');
    expect(down.raised.map((a) => a.kind)).toEqual(['offline']);
    expect(poll({}, 'offline').raised).toEqual([]);
    expect(poll({}, 'stale').cleared).toEqual([]); // stale says nothing either way
    const back = poll({}, 'live');
    expect(back.cleared.map((a) => a.kind)).toEqual(['offline']);
    expect(engine.active()).toEqual([]);
  });

  it('judges hashrate against nominal only for a miner that is mining and warmed up', () => {
    const { poll } = setup();
    // Just restarted: low hashrate is expected.
    for (let i = 0; i < 5; i++) expect(poll({ hashrateThs: 40, uptimeS: 60 }).raised).toEqual([]);
    // Auto-tuning: not judged.
    for (let i = 0; i < 5; i++) expect(poll({ hashrateThs: 40, state: 'auto-tuning' }).raised).toEqual([]);
    poll({ hashrateThs: 70 });
    poll({ hashrateThs: 70 });
    const third = poll({ hashrateThs: 70 });
    expect(third.raised.map((a) => a.kind)).toEqual(['hashrate-low']);
    expect(third.raised[0]!.value).toBeCloseTo(70 / 104);
    // 0.82 of nominal is above the 0.8 limit but inside the band: stays raised.
    poll({ hashrateThs: 85 });
    expect(poll({ hashrateThs: 85 }).cleared).toEqual([]);
    poll({ hashrateThs: 100 });
    expect(poll({ hashrateThs: 100 }).cleared.map((a) => a.kind)).toEqual(['hashrate-low']);
  });

  it('raises fan lost, chain failure, miner failure and pool down from the snapshot', () => {
    const { poll } = setup();
    const bad: Partial<MinerSnapshot> = {
      state: 'failure',
      stateDescription: 'chain 1 lost',
      fans: [
        { rpm: 5400, ok: true },
        { rpm: 0, ok: false },
      ],
    };
    expect(poll(bad).raised.map((a) => a.kind)).toEqual(['miner-failure']);
    expect(poll(bad).raised.map((a) => a.kind)).toEqual(['fan-lost']);

    const { poll: poll2 } = setup();
    const snap = makeRecord().snapshot!;
    const chains = snap.chains.map((c) => (c.id === 1 ? { ...c, state: 'failure' as const } : c));
    const pools = snap.pools.map((p) => ({ ...p, status: 'offline' }));
    poll2({ chains, pools });
    const r = poll2({ chains, pools }).raised;
    expect(r.map((a) => a.kind).sort()).toEqual(['chain-failure', 'pool-down']);
    expect(r.find((a) => a.kind === 'chain-failure')!.message).toContain('board 1');
  });

  it('warns when a pool is down but the miner failed over, critical when no pool is left', () => {
    const { engine, poll } = setup();
    const pools = (a: string, b: string) => [
      {
        url: 'stratum+tcp://a:3333',
        user: 'w',
        status: a,
        accepted: 1,
        rejected: 0,
        stale: 0,
        type: 'user' as const,
      },
      {
        url: 'stratum+tcp://b:3333',
        user: 'w',
        status: b,
        accepted: 1,
        rejected: 0,
        stale: 0,
        type: 'user' as const,
      },
    ];
    poll({ pools: pools('offline', 'active') });
    const r = poll({ pools: pools('offline', 'active') }).raised;
    expect(r.map((a) => [a.kind, a.severity])).toEqual([['pool-down', 'warning']]);
    expect(r[0]!.message).toContain('mining on stratum+tcp://b:3333');
    const worse = poll({ pools: pools('offline', 'offline') });
    expect(worse.updated.map((a) => a.severity)).toEqual(['critical']);
    poll({ pools: pools('active', 'working') });
    expect(poll({ pools: pools('active', 'working') }).cleared).toHaveLength(1);
    expect(engine.active()).toEqual([]);
  });

  it('hydro miners whose fans all read 0 rpm have no fan alert', () => {
    const { poll } = setup();
    const fans = [
      { rpm: 0, ok: null },
      { rpm: 0, ok: null },
    ];
    for (let i = 0; i < 4; i++) expect(poll({ fans }).raised).toEqual([]);
  });

  it('raises pool rejecting from the share counters, not from their lifetime totals', () => {
    const { poll } = setup();
    const pool = (accepted: number, rejected: number) => [
      {
        url: 'stratum+tcp://p:3333',
        user: 'w',
        status: 'active',
        accepted,
        rejected,
        stale: 0,
        type: 'user' as const,
      },
    ];
    // A long-lived miner with 5 % lifetime rejects but a clean recent record: no alert.
    poll({ pools: pool(100_000, 5_000) });
    for (let i = 1; i <= 4; i++) expect(poll({ pools: pool(100_000 + 40 * i, 5_000) }).raised).toEqual([]);
    // Now 50 % of the recent shares are rejected.
    let raised = 0;
    for (let i = 1; i <= 4; i++)
      raised += poll({ pools: pool(100_160 + 20 * i, 5_000 + 20 * i) }).raised.length;
    expect(raised).toBe(1);
  });

  it('clears the alerts of a miner that is no longer watched and can restore active ones', () => {
    const { clock, engine, poll } = setup();
    poll({}, 'offline');
    const active = engine.active();
    const c = engine.forget([active[0]!.minerId]);
    expect(c.cleared).toHaveLength(1);
    expect(engine.active()).toEqual([]);

    const other = createAlertEngine({ clock });
    other.restore(active);
    expect(other.active().map((a) => a.id)).toEqual([active[0]!.id]);
    expect(other.evaluate([makeRecord({ freshness: 'live' })]).cleared).toHaveLength(1);
  });
});
