import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  packedPolledAt,
  packSnapshot,
  unpackSnapshot,
} from '../../../electron/core/fleet/packed-snapshot.js';
import {
  ChainStateSchema,
  MinerSnapshotSchema,
  MinerStateSchema,
  PoolTypeSchema,
  type MinerSnapshot,
} from '../../../shared/miner.js';
import { makeSnapshot } from './fixtures.js';

const n = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
const str = fc.option(fc.string({ maxLength: 40 }), { nil: null });
const snapshotArb: fc.Arbitrary<MinerSnapshot> = fc.record({
  address: fc.string({ maxLength: 30 }),
  mac: str,
  hostname: str,
  model: str,
  modelCode: str,
  firmware: fc.record({ name: str, version: str }),
  state: fc.constantFrom(...MinerStateSchema.options),
  stateDescription: str,
  hashrateThs: n,
  hashrateAvgThs: n,
  nominalThs: n,
  powerW: n,
  efficiencyJth: n,
  chipTempMaxC: n,
  pcbTempMaxC: n,
  fans: fc.array(fc.record({ rpm: n, ok: fc.option(fc.boolean(), { nil: null }) }), { maxLength: 8 }),
  chains: fc.array(
    fc.record({
      id: fc.integer({ min: 0, max: 16 }),
      state: fc.constantFrom(...ChainStateSchema.options),
      hashrateThs: n,
      nominalThs: n,
      powerW: n,
      frequencyMhz: n,
      voltageMv: n,
      chipTempMaxC: n,
      pcbTempMaxC: n,
      chips: fc.option(fc.record({ red: fc.nat(), orange: fc.nat(), grey: fc.nat() }), { nil: null }),
      inletWaterC: n,
      outletWaterC: n,
    }),
    { maxLength: 4 },
  ),
  pools: fc.array(
    fc.record({
      url: fc.string({ maxLength: 60 }),
      user: fc.string({ maxLength: 30 }),
      status: fc.string({ maxLength: 10 }),
      accepted: n,
      rejected: n,
      stale: n,
      type: fc.constantFrom(...PoolTypeSchema.options),
    }),
    { maxLength: 4 },
  ),
  preset: fc.record({ running: str, configured: str }),
  throttlePct: n,
  uptimeS: n,
  hwErrors: n,
  polledAt: fc.oneof(
    fc
      .date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.string({ maxLength: 30 }),
  ),
});

describe('packed snapshots', () => {
  it('unpack(pack(s)) is s, field for field and in the same key order (CLI JSON stays the same)', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const back = unpackSnapshot(packSnapshot(s));
        expect(back).toEqual(s);
        expect(JSON.stringify(back)).toBe(JSON.stringify(s));
      }),
      { numRuns: 500 },
    );
  });

  it('packs a new poll into the same arrays, keeps unchanged strings and re-shapes when boards or pools change', () => {
    fc.assert(
      fc.property(snapshotArb, snapshotArb, (a, b) => {
        const p = packSnapshot(a);
        const again = packSnapshot(b, p);
        expect(unpackSnapshot(again)).toEqual(b);
        const sameShape =
          a.fans.length === b.fans.length &&
          a.chains.length === b.chains.length &&
          a.pools.length === b.pools.length;
        expect(again === p).toBe(sameShape);
      }),
      { numRuns: 300 },
    );
    const first = makeSnapshot({});
    const p = packSnapshot(first);
    const url = p.s.find((v) => v === first.pools[0]?.url);
    const next = JSON.parse(JSON.stringify({ ...first, hashrateThs: 1 })) as MinerSnapshot;
    packSnapshot(next, p);
    // The same text from the next poll is not a new string held for another interval.
    expect(p.s.find((v) => v === first.pools[0]?.url)).toBe(url);
    expect(unpackSnapshot(p).hashrateThs).toBe(1);
  });

  it('gives back valid product snapshots and the poll time', () => {
    const s = makeSnapshot({ polledAt: '2026-12-03T12:00:00.000Z' });
    const p = packSnapshot(s);
    expect(MinerSnapshotSchema.strict().parse(unpackSnapshot(p))).toEqual(s);
    expect(packedPolledAt(p)).toBe(Date.parse('2026-12-03T12:00:00.000Z'));
  });
});
