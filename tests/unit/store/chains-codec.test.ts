import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeChains,
  encodeChains,
  encodeChainState,
  HR_SCALE,
  TEMP_SCALE,
  toInt,
} from '../../../electron/core/store/codec.js';
import { ChainStateSchema, type Chain } from '../../../shared/miner.js';

// A poll's chains are stored packed in one BLOB: whatever a miner reports must read back as the
// per-chain rows stored it (scaled integers, nulls kept), never shifted, truncated or made up.

const STATES = ChainStateSchema.options;
const value = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1000, max: 200_000 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.0004, 2 ** 31, -(2 ** 31), 2 ** 40),
);
const chain: fc.Arbitrary<Chain> = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 15 }), fc.constantFrom(1.5, 2 ** 33)),
  state: fc.constantFrom(...STATES),
  hashrateThs: value,
  nominalThs: value,
  powerW: value,
  frequencyMhz: value,
  voltageMv: value,
  chipTempMaxC: value,
  pcbTempMaxC: value,
  chips: fc.constant(null),
  inletWaterC: fc.constant(null),
  outletWaterC: fc.constant(null),
});

/** What the per-chain rows held for a chain (schema v2). */
const asRow = (c: Chain) => ({
  chain: c.id,
  state: encodeChainState(c.state),
  hr: toInt(c.hashrateThs, HR_SCALE),
  power: toInt(c.powerW, 1),
  freq: toInt(c.frequencyMhz, 1),
  volt: toInt(c.voltageMv, 1),
  chip_t: toInt(c.chipTempMaxC, TEMP_SCALE),
  pcb_t: toInt(c.pcbTempMaxC, TEMP_SCALE),
});
// -0 and 0 are the same reading; SQLite never kept the sign of a zero either.
const plain = (rows: ReturnType<typeof asRow>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === 0 ? 0 : v])));

describe('packed chains', () => {
  it('read back exactly as the per-chain rows stored them, small or huge values, nulls kept', () => {
    fc.assert(
      fc.property(fc.array(chain, { minLength: 1, maxLength: 6 }), (chains) => {
        const blob = encodeChains(chains)!;
        // The encoder reuses its buffer: copy as SQLite does when it binds.
        const stored = Buffer.from(blob);
        expect(plain(decodeChains(stored))).toEqual(plain(chains.map(asRow)));
      }),
      { numRuns: 2000, seed: 303 },
    );
  });

  it('take 1-3 bytes a value for what miners report, and no BLOB at all without chains', () => {
    const typical: Chain = {
      id: 2,
      state: 'mining',
      hashrateThs: 36.512,
      nominalThs: 36,
      powerW: 1120,
      frequencyMhz: 525,
      voltageMv: 13_600,
      chipTempMaxC: 71.5,
      pcbTempMaxC: 60.25,
      chips: null,
      inletWaterC: null,
      outletWaterC: null,
    };
    const blob = encodeChains([typical, { ...typical, id: 0 }, { ...typical, id: 1, hashrateThs: null }])!;
    expect(blob.length).toBeLessThanOrEqual(1 + 3 * 8 * 3);
    expect(decodeChains(Buffer.from(blob)).map((c) => [c.chain, c.hr])).toEqual([
      [2, 36_512],
      [0, 36_512],
      [1, null],
    ]);
    expect(encodeChains([])).toBeNull();
  });

  it('refuses a damaged BLOB instead of reading garbage', () => {
    const good = Buffer.from(encodeChains([{ ...fcSample(), id: 1 }])!);
    for (const bad of [
      Buffer.from([9, 1, 2]), // unknown format
      good.subarray(0, good.length - 1), // a chain cut short
      Buffer.from([1, 0x80]), // a varint cut short
      Buffer.from([2, 0, 0, 0]), // float64 values cut short
    ]) {
      expect(() => decodeChains(bad)).toThrow(/chains blob/);
    }
  });
});

function fcSample(): Chain {
  return fc.sample(chain, { numRuns: 1, seed: 7 })[0]!;
}
