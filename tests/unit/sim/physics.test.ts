/**
 * The simulator's physics and building blocks, without sockets: hidden quality, presets, leakage,
 * the price-dependent optimum, ambient, lazy-evaluation invariance, scenarios and argument parsing.
 */
import { describe, expect, it } from 'vitest';
import { cgminerReply } from '../../../electron/sim/cgminer.js';
import { parseSimArgs } from '../../../electron/sim/cli.js';
import { demoScenario, demoScenarioPath } from '../../../electron/sim/index.js';
import { firmwareGen, SimMiner, type MinerInit } from '../../../electron/sim/miner.js';
import { findModel, MODELS } from '../../../electron/sim/models.js';
import { summary } from '../../../electron/sim/responses.js';
import { assignGroups, checkScenario, loadScenario } from '../../../electron/sim/scenario.js';
import { Site } from '../../../electron/sim/site.js';

const START = Date.UTC(2026, 5, 1, 0, 0, 0);
const TIMING = { rebootDownS: 75, initS: 20, restartS: 15, startS: 30, autotuneS: 1200 };

function miner(
  seed: number,
  model = 's19jpro',
  firmware = '1.2.7',
  site = new Site(1, { noiseC: 0 }, START),
): SimMiner {
  const init: MinerInit = {
    index: 0,
    seed,
    model: findModel(model)!,
    firmware,
    password: 'admin',
    presetsWrapped: false,
    brand: 'Vnish',
    fanTargetC: 70,
    host: '127.0.0.1',
    mac: '02:00:00:00:00:01',
    site,
    timing: TIMING,
    startMs: START,
  };
  return new SimMiner(init);
}

describe('models and presets', () => {
  it('has the four models with vendor-like stock figures and watt-named presets', () => {
    for (const id of ['s19jpro', 's19xp', 's21', 's21plus-hydro']) expect(MODELS.has(id)).toBe(true);
    const s19 = findModel('Antminer S19j Pro')!;
    expect(s19.stockThs).toBe(100);
    const stock = s19.presets.find((p) => p.ths === 100)!;
    expect(Math.abs(stock.watts - 3050)).toBeLessThan(150);
    for (const p of s19.presets) expect(p.pretty).toBe(`${p.name} watt ~ ${Math.round(p.ths)} TH`);
    expect(findModel('S21+ Hydro')?.hydro).toBe(true);
    expect(findModel('S9')).toBeUndefined();
  });
});

describe('hidden quality', () => {
  it('two units of one model differ; chips on a board spread by about 10-15 %', () => {
    const a = miner(1);
    const b = miner(2);
    expect(a.qualityStats().unit).not.toBe(b.qualityStats().unit);
    expect(a.hrGhs).not.toBe(b.hrGhs);
    for (const spread of a.qualityStats().spreads) {
      expect(spread).toBeGreaterThan(0.07);
      expect(spread).toBeLessThan(0.2);
    }
  });
});

describe('power, hashrate and the optimum', () => {
  it('hashrate follows frequency; low presets are more efficient; power follows f x V^2', () => {
    const t = miner(3).presetTruths(0.06, 0.05);
    for (let i = 1; i < t.length; i++) {
      expect(t[i]!.ths).toBeGreaterThan(t[i - 1]!.ths);
      expect(t[i]!.powerW).toBeGreaterThan(t[i - 1]!.powerW);
    }
    expect(t[0]!.jth).toBeLessThan(t[t.length - 1]!.jth * 0.85);
  });

  it('the best preset depends on the electricity price', () => {
    const m = miner(4);
    const best = (price: number) => {
      const ts = m.presetTruths(price, 0.05);
      return ts.reduce((a, b) => (b.profitUsdPerDay > a.profitUsdPerDay ? b : a));
    };
    expect(best(0.02).ths).toBeGreaterThan(best(0.1).ths);
  });

  it('leakage rises with temperature: the same preset draws more power in hot air', () => {
    const m = miner(5);
    const cool = m.presetTruths(0.06, 0.05);
    m.addFault({ type: 'overheat', extraC: 12 }, m.t);
    m.advanceTo(m.t + 5_000);
    const hot = m.presetTruths(0.06, 0.05);
    // Auto fan holds a low preset at its target (the fans pay); a top preset runs out of airflow and heats.
    expect(hot[3]!.powerW).toBeGreaterThan(cool[3]!.powerW);
    const top = hot.length - 1;
    expect(hot[top]!.chipTempC).toBeGreaterThan(cool[top]!.chipTempC);
    expect(hot[top]!.powerW).toBeGreaterThan(cool[top]!.powerW);
  });

  it('hydro units have no fan airflow and report water temperatures', () => {
    const m = miner(6, 's21plus-hydro', '1.3.4');
    const s = summary(m, m.t) as {
      miner: {
        cooling: { fans: { rpm: number }[] };
        chains: { inlet_water_temp: number; outlet_water_temp: number }[];
      };
    };
    expect(s.miner.cooling.fans.every((f) => f.rpm === 0)).toBe(true);
    for (const c of s.miner.chains) expect(c.outlet_water_temp).toBeGreaterThan(c.inlet_water_temp);
  });
});

describe('time', () => {
  it('afternoons are warmer than nights, a heat wave adds on top', () => {
    const site = new Site(
      1,
      {
        ambientC: 24,
        dailySwingC: 6,
        noiseC: 0,
        heatWave: { startS: 86_400, durationS: 86_400, extraC: 10 },
      },
      START,
    );
    expect(site.ambientC(START + 15 * 3_600_000)).toBeGreaterThan(site.ambientC(START + 3 * 3_600_000) + 8);
    expect(
      site.ambientC(START + 86_400_000 + 15 * 3_600_000) - site.ambientC(START + 15 * 3_600_000),
    ).toBeGreaterThan(9);
  });

  it('lazy evaluation: one jump and many small steps give the same miner', () => {
    const a = miner(7);
    const b = miner(7);
    a.addFault({ type: 'chip-degradation', chain: 1, rampS: 3600, atS: 600 }, a.t);
    b.addFault({ type: 'chip-degradation', chain: 1, rampS: 3600, atS: 600 }, b.t);
    const end = a.t + 2 * 3_600_000;
    a.advanceTo(end);
    for (let t = b.t; t <= end; t += 7_000) b.advanceTo(t);
    b.advanceTo(end);
    expect(JSON.stringify(summary(a, end))).toBe(JSON.stringify(summary(b, end)));
    expect(a.metrics.count).toBe(b.metrics.count);
  });
});

describe('self-protection settings', () => {
  it('restart_hashrate restarts a miner that stays under it, then gives up after max_restart_attempts', () => {
    const m = miner(13);
    m.settings.misc.restart_hashrate = 90;
    m.addFault({ type: 'chain', chain: 0 }, m.t);
    m.advanceTo(m.t + 6 * 60_000);
    expect(m.annotations.some((a) => a.type === 'restart')).toBe(true);
    expect(m.statusLog.join('\n')).toMatch(/hashrate below 90%/);
    m.advanceTo(m.t + 60 * 60_000);
    expect(m.state).toBe('failure');
  });

  it('the preset switcher steps down when hot, without touching the configured preset', () => {
    const m = miner(14);
    const configured = m.settings.overclock.preset;
    m.settings.overclock.preset_switcher = {
      ...m.settings.overclock.preset_switcher,
      enabled: true,
      decrease_temp: 60,
      rise_temp: 40,
      check_time: 60,
    };
    m.advanceTo(m.t + 10 * 60_000);
    expect(Number(m.runningPreset)).toBeLessThan(Number(configured));
    expect(m.settings.overclock.preset).toBe(configured);
  });
});

describe('history before start', () => {
  it('a miner with historyS has lived through it lazily: /metrics is filled at start', () => {
    const init: MinerInit = {
      index: 0,
      seed: 12,
      model: findModel('s21')!,
      firmware: '1.3.4',
      password: 'admin',
      presetsWrapped: false,
      brand: 'Vnish',
      fanTargetC: 70,
      host: '127.0.0.1',
      mac: '02:00:00:00:00:01',
      site: new Site(1, {}, START),
      timing: TIMING,
      startMs: START,
      historyS: 3600,
    };
    const m = new SimMiner(init);
    m.advanceTo(START);
    expect(m.metrics.count).toBe(60);
    expect(m.metrics.hr[m.metrics.at(0)]).toBeGreaterThan(0);
  });
});

describe('firmware generations, scenarios, CLI arguments', () => {
  it('maps versions to the generation whose shapes they serve', () => {
    expect(firmwareGen('1.2.0')).toBe('1.2.0');
    expect(firmwareGen('1.2.0-rc1')).toBe('1.2.0');
    expect(firmwareGen('1.2.6')).toBe('1.2.6');
    expect(firmwareGen('1.2.7')).toBe('1.2.6');
    expect(firmwareGen('1.3.4')).toBe('1.3');
  });

  it('1.2.0 summary carries system; 1.3 carries throttled, psu and restart_count', () => {
    const old = summary(miner(8, 's19jpro', '1.2.0'), START) as Record<string, unknown> & {
      miner: Record<string, unknown>;
    };
    expect(old.system).toBeDefined();
    const neu = summary(miner(8, 's21', '1.3.4'), START) as {
      miner: { miner_status: { throttled: number }; psu: unknown; restart_count: number };
    };
    expect(neu.miner.miner_status.throttled).toBe(100);
    expect(neu.miner.psu).toBeDefined();
    expect(neu.miner.restart_count).toBe(0);
  });

  it('checks scenarios and names the bad field', () => {
    expect(() => checkScenario({ groups: [{ count: 1, model: 'S9' }] })).toThrow(/groups\[0\]\.model/);
    expect(() => checkScenario({ faults: [{ miner: 0, type: 'meteor' }] })).toThrow(/faults\[0\]\.type/);
    expect(() => checkScenario({ site: { timezone: 'CET' } })).toThrow(/timezone/);
    const groups = assignGroups(
      {
        groups: [
          { count: 3, model: 's21' },
          { count: 1, model: 's19xp' },
        ],
      },
      8,
    );
    expect(groups.filter((g) => g.model === 's21')).toHaveLength(6);
    const demo = loadScenario(demoScenarioPath());
    // The embedded copy (what a bundled build uses) is the file.
    expect(demoScenario()).toEqual(demo);
    const total = (demo.groups ?? []).reduce((s, g) => s + g.count, 0);
    expect(total).toBeGreaterThanOrEqual(90);
    expect(new Set((demo.faults ?? []).map((f) => f.type))).toEqual(
      new Set(['fan', 'chip-degradation', 'pool', 'chain', 'overheat']),
    );
  });

  it('answers cgminer commands; 1.3.0 stays silent on version', () => {
    const m = miner(9, 's19xp', '1.3.0');
    expect(cgminerReply(m, '{"command":"version"}', START)).toBeNull();
    const stats = JSON.parse(cgminerReply(m, '{"command":"stats"}', START)!) as { STATS: { Type: string }[] };
    expect(stats.STATS[0]!.Type).toBe('Antminer S19 XP (Vnish 1.3.0)');
    expect(JSON.parse(cgminerReply(m, 'summary', START)!)).toHaveProperty('SUMMARY');
  });

  it('parses sim CLI arguments', () => {
    expect(
      parseSimArgs([
        '--miners',
        '200',
        '--seed',
        '7',
        '--speed',
        '60',
        '--bind',
        'ports',
        '--mdns',
        '--control-port',
        '9000',
      ]),
    ).toEqual({
      miners: 200,
      seed: 7,
      speed: 60,
      bind: 'ports',
      mdns: true,
      controlPort: 9000,
    });
    expect(parseSimArgs(['--bind', 'moon'])).toMatch(/--bind/);
    expect(parseSimArgs(['--miners'])).toMatch(/needs a value/);
    expect(parseSimArgs(['--what'])).toMatch(/unknown option/);
  });
});
