import { describe, expect, it } from 'vitest';
import { computeFleetKpis } from '../../../renderer/src/logic/kpis.js';
import { ctxAt, iso, miner, T0 } from './fixtures.js';

describe('fleet KPIs', () => {
  const fleet = [
    miner(1, {}, { hashrateThs: 100, hashrateAvgThs: 100, powerW: 3000, nominalThs: 104 }),
    miner(
      2,
      {},
      { hashrateThs: 200, hashrateAvgThs: 200, powerW: 3500, nominalThs: 200, model: 'Antminer S21' },
    ),
    // Offline: its last figures must not count as live.
    miner(
      3,
      { freshness: 'offline', lastSeenAt: iso(T0 - 600_000) },
      { hashrateThs: 999, powerW: 9999, nominalThs: 104 },
    ),
    // Stale: counted as stale, not in totals.
    miner(4, { freshness: 'stale' }, { hashrateThs: 50, powerW: 1500, nominalThs: 104 }),
    // Live but failing (a failed board).
    miner(
      5,
      {},
      {
        hashrateThs: 60,
        hashrateAvgThs: 60,
        powerW: 2000,
        nominalThs: 104,
        chains: [
          {
            id: 0,
            state: 'failure',
            hashrateThs: 0,
            nominalThs: 34,
            powerW: null,
            frequencyMhz: null,
            voltageMv: null,
            chipTempMaxC: null,
            pcbTempMaxC: null,
            chips: null,
            inletWaterC: null,
            outletWaterC: null,
          },
        ],
      },
    ),
    // Live but stopped.
    miner(6, {}, { state: 'stopped', hashrateThs: 0, hashrateAvgThs: 0, powerW: 10, nominalThs: 104 }),
    miner(7, { freshness: 'never', lastSeenAt: null }, null),
  ];

  it('totals count only live miners', () => {
    const k = computeFleetKpis(fleet, ctxAt());
    expect(k.hashrateThs).toBe(360);
    expect(k.powerW).toBe(8510);
    expect(k.counts).toEqual({ total: 7, live: 4, stale: 1, offline: 1, never: 1, failing: 1, notMining: 1 });
  });

  it('installed capacity counts every known miner, live nominal only the live ones', () => {
    const k = computeFleetKpis(fleet, ctxAt());
    expect(k.nominalThs).toBe(104 + 200 + 104 + 104 + 104 + 104);
    expect(k.nominalLiveThs).toBe(104 + 200 + 104 + 104);
  });

  it('fleet J/TH is total power over total hashrate of live miners reporting both', () => {
    const k = computeFleetKpis(fleet, ctxAt());
    // Miner 6 reports 0 TH/s and is left out of efficiency.
    expect(k.efficiencyJth).toBeCloseTo((3000 + 3500 + 2000) / (100 + 200 + 60), 6);
  });

  it('groups by model, largest hashrate first', () => {
    const k = computeFleetKpis(fleet, ctxAt());
    expect(k.byModel.map((m) => m.model)).toEqual(['Antminer S21', 'Antminer S19j Pro', 'Unknown model']);
    const s19 = k.byModel[1]!;
    expect(s19).toMatchObject({ count: 5, live: 3, hashrateThs: 160, powerW: 5010 });
    expect(k.byModel[0]!.efficiencyJth).toBeCloseTo(17.5, 6);
  });

  it('once the connection drops nothing counts as live', () => {
    const k = computeFleetKpis(fleet, ctxAt(0, false));
    expect(k.hashrateThs).toBe(0);
    expect(k.counts.live).toBe(0);
    expect(k.efficiencyJth).toBeNull();
  });

  it('an empty fleet has zero totals and no efficiency', () => {
    const k = computeFleetKpis([], ctxAt());
    expect(k.counts.total).toBe(0);
    expect(k.efficiencyJth).toBeNull();
    expect(k.byModel).toEqual([]);
  });
});
