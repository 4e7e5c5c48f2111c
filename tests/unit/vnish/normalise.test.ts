import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { MinerSnapshotSchema, type MinerSnapshot } from '../../../shared/miner.js';
import {
  markParsed,
  normaliseSnapshot,
  parseBody,
  parseRaw,
  parseUptime,
  RawSummarySchema,
} from '../../../electron/core/vnish/index.js';

interface Fixture {
  info?: unknown;
  model?: unknown;
  summary: unknown;
  perfSummary?: unknown;
  settings?: unknown;
  chains?: unknown;
}

function fixture(name: string): Fixture {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/vnish/${name}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
}

const polledAt = '2026-12-03T12:00:00.000Z';

function snap(name: string, address = '10.0.0.1'): MinerSnapshot {
  const f = fixture(name);
  const s = normaliseSnapshot({ address, polledAt, ...f });
  // Every snapshot must satisfy the product schema (finite numbers, exact field set).
  expect(MinerSnapshotSchema.strict().parse(s)).toEqual(s);
  return s;
}

describe('normaliseSnapshot per firmware generation', () => {
  it('1.2.0: identity from /info, GH/s assumed for sha256 without hr_measure, power_usage, fans without status', () => {
    const s = snap('v1.2.0-s19xp');
    expect(s.mac).toBe('02:1a:2b:3c:4d:5e');
    expect(s.hostname).toBe('Antminer');
    expect(s.model).toBe('Antminer S19 XP');
    expect(s.modelCode).toBe('s19xp');
    expect(s.firmware).toEqual({ name: 'Vnish', version: '1.2.0-rc1' });
    expect(s.state).toBe('mining');
    expect(s.hashrateThs).toBeCloseTo(140.6, 6);
    expect(s.hashrateAvgThs).toBeCloseTo(139.2, 6);
    expect(s.nominalThs).toBeCloseTo(141, 6);
    expect(s.powerW).toBe(3010);
    expect(s.efficiencyJth).toBeCloseTo(3010 / 139.2, 6);
    expect(s.fans).toEqual([
      { rpm: 5160, ok: null },
      { rpm: 5220, ok: null },
      { rpm: 5100, ok: null },
      { rpm: 5280, ok: null },
    ]);
    expect(s.chains[0]).toEqual({
      id: 1,
      state: 'mining',
      hashrateThs: 46.9,
      nominalThs: 47,
      powerW: 1003,
      frequencyMhz: 540,
      voltageMv: 13600,
      chipTempMaxC: 72,
      pcbTempMaxC: 57,
      chips: { red: 0, orange: 2, grey: 108 },
      inletWaterC: null,
      outletWaterC: null,
    });
    // No pool_type on 1.2.0: configured pools are typed user.
    expect(s.pools.map((p) => p.type)).toEqual(['user', 'user', 'user']);
    expect(s.pools[0]).toEqual({
      url: 'stratum+tcp://pool.example:3333',
      user: 'farm.s19xp07',
      status: 'active',
      accepted: 12001,
      rejected: 14,
      stale: 2,
      type: 'user',
    });
    expect(s.preset).toEqual({ running: '3010', configured: null });
    expect(s.throttlePct).toBeNull();
    expect(s.uptimeS).toBe(9 * 86400 + 3 * 3600 + 58 * 60);
    expect(s.hwErrors).toBe(152);
    expect(s.polledAt).toBe(polledAt);
  });

  it('1.2.0: identity from the legacy /summary system object when /info is missing', () => {
    const f = fixture('v1.2.0-s19xp');
    const s = normaliseSnapshot({ address: '10.0.3.7', polledAt, summary: f.summary });
    expect(s.mac).toBe('02:1a:2b:3c:4d:5e');
    expect(s.hostname).toBe('Antminer');
    expect(s.uptimeS).toBe(9 * 86400 + 3 * 3600 + 58 * 60);
    expect(s.model).toBe('Antminer S19 XP (Vnish 1.2.0-rc1)');
    expect(s.firmware).toEqual({ name: null, version: null });
    expect(s.preset.running).toBeNull();
  });

  it('1.2.7: running vs configured preset, failed chain, lost fan, devfee and refund pools', () => {
    const s = snap('v1.2.7-s19jpro');
    expect(s.mac).toBe('02:aa:bb:cc:dd:12');
    expect(s.preset).toEqual({ running: '2900', configured: '3200' });
    expect(s.hashrateThs).toBeCloseTo(64.5, 6);
    expect(s.powerW).toBe(1923);
    expect(s.efficiencyJth).toBeCloseTo(1923 / 64.1, 6);
    expect(s.fans.map((f) => f.ok)).toEqual([true, true, true, false]);
    expect(s.fans[3]).toEqual({ rpm: 0, ok: false });
    expect(s.pools.map((p) => p.type)).toEqual(['user', 'devfee', 'refund']);
    const failed = s.chains.find((c) => c.id === 3)!;
    expect(failed.state).toBe('failure');
    // A dead chain reports 0 degC: that is "no reading", not a temperature.
    expect(failed.chipTempMaxC).toBeNull();
    expect(failed.hashrateThs).toBe(0);
    expect(s.chains[1]!.chips).toEqual({ red: 2, orange: 1, grey: 123 });
    expect(s.uptimeS).toBe(3600);
  });

  it('1.3.4: throttle percent, board detail ignored when summary has grades', () => {
    const s = snap('v1.3.4-s21');
    expect(s.throttlePct).toBe(80);
    expect(s.firmware.version).toBe('1.3.4');
    expect(s.hashrateThs).toBeCloseTo(160.2, 6);
    expect(s.nominalThs).toBeCloseTo(160, 6);
    expect(s.efficiencyJth).toBeCloseTo(2800 / 159.8, 6);
    expect(s.chains.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(s.chains[1]!.chips).toEqual({ red: 0, orange: 1, grey: 107 });
    expect(s.preset).toEqual({ running: '3500', configured: '3500' });
    expect(s.uptimeS).toBe(45 * 60);
  });

  it('1.3.x hydro: water temperatures, 0 rpm fans kept, chip grades counted from /boards', () => {
    const s = snap('v1.3.1-s21plus-hydro');
    expect(s.state).toBe('auto-tuning');
    expect(s.chains[0]!.inletWaterC).toBe(31);
    expect(s.chains[0]!.outletWaterC).toBe(42);
    expect(s.chains[2]!.inletWaterC).toBeNull();
    expect(s.fans).toEqual([
      { rpm: 0, ok: true },
      { rpm: 0, ok: true },
    ]);
    expect(s.chains[0]!.chips).toEqual({ red: 1, orange: 1, grey: 2 });
    // Board 1 lists no chips, board 2 is absent from /boards: unknown, not zero.
    expect(s.chains[1]!.chips).toBeNull();
    expect(s.chains[2]!.chips).toBeNull();
    expect(s.throttlePct).toBe(100);
    expect(s.hashrateThs).toBeCloseTo(288.4, 6);
    expect(s.uptimeS).toBe(86400 + 45 * 60);
  });

  it('white-label failure: description, no MAC for all-zero, zero power gives no efficiency', () => {
    const s = snap('v1.2.6-whitelabel-t21');
    expect(s.model).toBe('Antminer T21');
    expect(s.state).toBe('failure');
    expect(s.stateDescription).toBe('PSU voltage out of range');
    expect(s.mac).toBeNull();
    expect(s.hostname).toBeNull();
    expect(s.hashrateThs).toBe(0);
    expect(s.powerW).toBe(0);
    expect(s.efficiencyJth).toBeNull();
    expect(s.chipTempMaxC).toBeNull();
    expect(s.chains).toEqual([]);
    expect(s.pools).toEqual([]);
    expect(s.preset).toEqual({ running: null, configured: null });
    expect(s.uptimeS).toBe(3 * 86400 + 2 * 3600 + 60);
  });
});

describe('normaliseSnapshot edge cases', () => {
  const base = fixture('v1.3.4-s21');

  it('accepts raw JSON text for any part', () => {
    const s = normaliseSnapshot({
      address: 'a',
      polledAt: new Date(polledAt),
      info: JSON.stringify(base.info),
      summary: JSON.stringify(base.summary),
    });
    expect(s.hashrateThs).toBeCloseTo(160.2, 6);
    expect(s.polledAt).toBe(polledAt);
  });

  it('MH/s miners are scaled by 1e-6, unknown units leave hashrate unknown unless deprecated TH/s exists', () => {
    const info = { ...(base.info as object), hr_measure: 'MH/s', algorithm: 'scrypt' };
    const s = normaliseSnapshot({
      address: 'a',
      polledAt,
      info,
      summary: { miner: { hr_realtime: 9_500_000 } },
    });
    expect(s.hashrateThs).toBeCloseTo(9.5, 9);
    const na = { ...(base.info as object), hr_measure: 'N/A' };
    const t = normaliseSnapshot({
      address: 'a',
      polledAt,
      info: na,
      summary: { miner: { hr_realtime: 100, instant_hashrate: 0.1, chains: [{ id: 0, hashrate_rt: 5 }] } },
    });
    expect(t.hashrateThs).toBe(0.1);
    expect(t.chains[0]!.hashrateThs).toBeNull();
  });

  it('power_consumption wins over power_usage; efficiency falls back to realtime when average is 0', () => {
    const s = normaliseSnapshot({
      address: 'a',
      polledAt,
      info: base.info,
      summary: { miner: { power_consumption: 3000, power_usage: 1, hr_realtime: 100_000, hr_average: 0 } },
    });
    expect(s.powerW).toBe(3000);
    expect(s.efficiencyJth).toBe(30);
  });

  it('NaN-like and huge values become null, numeric strings become numbers', () => {
    const s = normaliseSnapshot({
      address: 'a',
      polledAt,
      info: base.info,
      summary: JSON.parse(
        '{"miner":{"hr_realtime":"NaN","hr_average":1e999,"power_consumption":"3100","hw_errors":"Infinity","chip_temp":{"max":"-Infinity"},"hr_nominal":1.7e308}}',
      ),
    });
    expect(s.hashrateThs).toBeNull();
    expect(s.hashrateAvgThs).toBeNull();
    expect(s.powerW).toBe(3100);
    expect(s.hwErrors).toBeNull();
    expect(s.chipTempMaxC).toBeNull();
    expect(s.nominalThs).toBeCloseTo(1.7e305, -300);
    expect(MinerSnapshotSchema.safeParse(s).success).toBe(true);
  });

  it('unknown states map to unknown; summary.miner null gives an all-null snapshot', () => {
    const s = normaliseSnapshot({
      address: 'a',
      polledAt,
      summary: {
        miner: { miner_status: { miner_state: 'hibernating' }, chains: [{ status: { state: 'melted' } }] },
      },
    });
    expect(s.state).toBe('unknown');
    expect(s.chains[0]!.state).toBe('unknown');
    expect(s.chains[0]!.id).toBe(0);
    const t = normaliseSnapshot({ address: 'a', polledAt, summary: { miner: null } });
    expect(t.state).toBe('unknown');
    expect(t.hashrateThs).toBeNull();
    expect(t.fans).toEqual([]);
  });

  it('wrong types are BadResponse naming endpoint and field', () => {
    const bad = (parts: Parameters<typeof normaliseSnapshot>[0]) => {
      try {
        normaliseSnapshot(parts);
      } catch (e) {
        expect(e).toBeInstanceOf(HashwatchError);
        return e as HashwatchError;
      }
      throw new Error('expected a throw');
    };
    const e1 = bad({ address: '10.1.1.1', polledAt, summary: { miner: { chains: [{ hashrate_rt: {} }] } } });
    expect(e1.code).toBe('BadResponse');
    expect(e1.message).toContain('/api/v1/summary');
    expect(e1.message).toContain('miner.chains.0.hashrate_rt');
    expect(e1.details).toMatchObject({ address: '10.1.1.1', endpoint: '/api/v1/summary' });
    const e2 = bad({ address: 'x', polledAt, summary: '{"miner": {"hr_real' });
    expect(e2.code).toBe('BadResponse');
    expect(e2.details).toMatchObject({ field: '(body)' });
    const e3 = bad({ address: 'x', polledAt, summary: {}, info: { fw_version: { v: 1 } } });
    expect(e3.message).toContain('/api/v1/info');
    expect(e3.message).toContain('fw_version');
    expect(bad({ address: 'x', polledAt, summary: [] }).code).toBe('BadResponse');
    expect(bad({ address: 'x', polledAt, summary: null }).code).toBe('BadResponse');
  });
});

describe('bodies validated once', () => {
  it('a body the client parsed is taken as is; a copy of it, or the same data unmarked, is validated', () => {
    const text = JSON.stringify(fixture('v1.2.7-s19jpro').summary);
    const body = parseBody(RawSummarySchema, 'summary', text, '10.0.0.1');
    expect(parseRaw(RawSummarySchema, 'summary', body)).toBe(body);
    // The mark is invisible to JSON and to spreading, so an edited copy is checked again.
    expect(JSON.stringify(body)).toBe(
      JSON.stringify(parseRaw(RawSummarySchema, 'summary', JSON.parse(text))),
    );
    const copy = { ...(body as object), miner: { miner_status: { miner_state: { nested: 1 } } } };
    expect(() => parseRaw(RawSummarySchema, 'summary', copy, '10.0.0.1')).toThrow(HashwatchError);
  });

  it('a frozen output is marked too, and returned as is', () => {
    const out = Object.freeze(
      markParsed(RawSummarySchema, parseRaw(RawSummarySchema, 'summary', { miner: {} })),
    );
    expect(parseRaw(RawSummarySchema, 'summary', out)).toBe(out);
  });
});

describe('parseUptime', () => {
  it.each([
    ['9 days,  3:58', 9 * 86400 + 3 * 3600 + 58 * 60],
    ['1:00', 3600],
    ['45 min', 2700],
    ['1 day, 45 min', 86400 + 2700],
    ['1 day,  0:01', 86400 + 60],
    [' 12:01:07 up 3 days,  2:01,  load average: 0.52, 0.58, 0.59', 3 * 86400 + 2 * 3600 + 60],
    ['10:00:00 up 5 min,  load average: 1.00, 1.00, 1.00', 300],
    ['up 12:34', 12 * 3600 + 34 * 60],
    ['3600', 3600],
    ['0 min', 0],
  ])('%j -> %d s', (text, seconds) => {
    expect(parseUptime(text)).toBe(seconds);
  });

  it.each(['', 'soon', 'N/A', '1:75', 'days'])('%j -> null', (text) => {
    expect(parseUptime(text)).toBeNull();
  });
});
