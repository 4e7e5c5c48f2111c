import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { MinerSnapshotSchema } from '../../../shared/miner.js';
import { normaliseCgminer, parseCgminerReply, parseStatsType } from '../../../electron/core/vnish/index.js';

const f = JSON.parse(
  readFileSync(new URL('../../fixtures/vnish/cgminer/s19xp-vnish-1.2.0.json', import.meta.url), 'utf8'),
) as { summary: unknown; stats: unknown; pools: unknown };
const polledAt = '2026-12-03T12:00:00.000Z';

describe('normaliseCgminer', () => {
  it('reads hashrate (GH/s -> TH/s), fans, per-chain temps and pools; what cgminer does not say is null', () => {
    const s = normaliseCgminer({ address: '10.0.3.7', polledAt, ...f });
    expect(MinerSnapshotSchema.strict().parse(s)).toEqual(s);
    expect(s.model).toBe('Antminer S19 XP');
    expect(s.firmware).toEqual({ name: 'Vnish', version: '1.2.0-rc1' });
    expect(s.state).toBe('unknown');
    expect(s.mac).toBeNull();
    expect(s.hashrateThs).toBeCloseTo(93.74257, 6);
    expect(s.hashrateAvgThs).toBeCloseTo(93.5001, 6);
    expect(s.nominalThs).toBe(141);
    expect(s.powerW).toBe(2010);
    expect(s.efficiencyJth).toBeCloseTo(2010 / 93.5001, 6);
    expect(s.fans).toEqual([
      { rpm: 5160, ok: null },
      { rpm: 5220, ok: null },
      { rpm: 5100, ok: null },
      { rpm: 5280, ok: null },
    ]);
    expect(s.chains.map((c) => [c.id, c.hashrateThs, c.chipTempMaxC, c.pcbTempMaxC])).toEqual([
      [0, 46.9001, 72, 57],
      [1, 46.84247, 73, 58],
      [2, null, null, null],
    ]);
    expect(s.chipTempMaxC).toBe(73);
    expect(s.pools.map((p) => [p.url, p.status, p.accepted, p.type])).toEqual([
      ['stratum+tcp://pool.example:3333', 'Alive', 12001, 'user'],
      ['stratum+tcp://backup.example:3333', 'Dead', 0, 'user'],
    ]);
    expect(s.uptimeS).toBe(789480);
    expect(s.hwErrors).toBe(152);
    expect(s.preset).toEqual({ running: null, configured: null });
  });

  it('works from the raw wire text, glued objects included', () => {
    const raw = JSON.stringify(f.stats).replace('},{"STATS":0', '}{"STATS":0') + '\0';
    expect(raw).toContain('}{');
    const s = normaliseCgminer({
      address: 'a',
      polledAt,
      summary: f.summary,
      stats: parseCgminerReply(raw, 'stats'),
    });
    expect(s.fans).toHaveLength(4);
  });

  it.each([
    ['Antminer S19 XP (Vnish 1.2.0-rc1)', 'Antminer S19 XP', 'Vnish', '1.2.0-rc1'],
    ['Antminer T21 (7Miners 1.2.6-rc1)', 'Antminer T21', '7Miners', '1.2.6-rc1'],
    ['Antminer S19j Pro', 'Antminer S19j Pro', null, null],
  ])('parseStatsType(%j)', (type, model, fwName, fwVersion) => {
    expect(parseStatsType(type)).toEqual({ model, fwName, fwVersion });
  });

  it('fuzz: any reply gives a valid snapshot or BadResponse (2,000 runs)', () => {
    const leaf = fc.oneof(
      fc.constantFrom('NaN', 'Infinity', '1e999', '12 W', '', '-0'),
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 8 }),
      fc.constant(null),
      fc.boolean(),
    );
    const statsRec = fc.dictionary(
      fc.constantFrom(
        'fan1',
        'fan2',
        'temp1',
        'temp2_1',
        'chain_rate1',
        'chain_rate2',
        'chain_rateideal1',
        'freq1',
        'rate_unit',
        'chain_power',
        'total_rateideal',
        'GHS 5s',
        'GHS av',
        'Elapsed',
        'Type',
      ),
      leaf,
    );
    const reply = (key: string) =>
      fc.oneof(
        fc.record({ [key]: fc.array(fc.oneof(statsRec, leaf), { maxLength: 3 }) }),
        fc.record({ [key]: leaf }),
        fc.jsonValue(),
        fc.constant(undefined),
      );
    fc.assert(
      fc.property(reply('SUMMARY'), reply('STATS'), reply('POOLS'), (summary, stats, pools) => {
        let out: unknown;
        try {
          out = normaliseCgminer({ address: 'a', polledAt, summary, stats, pools });
        } catch (e) {
          if (e instanceof HashwatchError && e.code === 'BadResponse') return;
          throw e;
        }
        const r = MinerSnapshotSchema.strict().safeParse(out);
        if (!r.success) throw new Error(r.error.message);
        expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      }),
      { numRuns: 2000, seed: 4246 },
    );
  }, 60_000);
});
