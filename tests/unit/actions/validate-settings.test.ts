import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import {
  limitsFrom,
  validateSettings,
  validateSettingsFor,
  type MinerLimits,
  type SettingsIssue,
} from '../../../electron/core/actions/validate-settings.js';
import { parsePoolUrl } from '../../../electron/core/actions/validation/pool-url.js';
import { fw127, fw134 } from './fixtures.js';

const s19 = limitsFrom(fw127);
const s21 = limitsFrom(fw134);

/** The ValidationError a change raises (fails the test when it passes). */
function refusal(change: unknown, limits: MinerLimits): { message: string; issues: SettingsIssue[] } {
  try {
    validateSettings(change, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(HashwatchError);
    expect((e as HashwatchError).code).toBe('ValidationError');
    return {
      message: (e as HashwatchError).message,
      issues: (e as HashwatchError).details as SettingsIssue[],
    };
  }
  throw new Error(`expected a refusal for ${JSON.stringify(change)}`);
}

/** Asserts one refused field, its allowed range text, and that the message names both. */
function expectRefused(
  change: unknown,
  limits: MinerLimits,
  field: string,
  allowed: RegExp | string,
  got?: unknown,
) {
  const r = refusal(change, limits);
  const issue = r.issues.find((i) => i.field === field);
  expect(issue, `${field} in ${JSON.stringify(r.issues)}`).toBeDefined();
  expect(issue!.allowed).toMatch(allowed);
  if (got !== undefined) expect(issue!.got).toEqual(got);
  expect(r.message).toContain(field);
  expect(r.message).toContain(issue!.allowed);
  return r;
}

const oc = (overclock: unknown) => ({ miner: { overclock } });

describe('limitsFrom (per firmware generation)', () => {
  it('reads 1.2.7 limits, taking the narrower of /model and ui.consts', () => {
    expect(s19.model).toBe('s19jpro');
    expect(s19.voltage10mV).toEqual({ min: 1250, max: 1500, maxStockPsu: 1420 });
    expect(s19.freqMhz).toEqual({ min: 100, max: 800, warn: 650 });
    expect(s19.cooling).toEqual({
      minFanPwm: 10,
      targetTempC: { min: 35, max: 85 },
      fanMinCount: { min: 1, max: 4 },
    });
    expect(s19.maxPowerLimitW).toBeNull();
    expect(s19.numChains).toBe(3);
    expect(s19.moddedPsu).toBe(false);
    expect(s19.presets?.map((p) => [p.name, p.tuned, p.moddedPsuRequired])).toEqual([
      ['disabled', true, false],
      ['1100', true, false],
      ['2100', true, false],
      ['3200', false, false],
      ['3600', false, true],
      ['4690', false, true],
    ]);
  });

  it('reads 1.3.4 limits, including the power limit and the {presets: [...]} answer form', () => {
    expect(s21.voltage10mV).toEqual({ min: 1150, max: 1420, maxStockPsu: 1360 });
    expect(s21.maxPowerLimitW).toBe(4000);
    expect(s21.moddedPsu).toBe(true);
    expect(s21.presets?.map((p) => p.name)).toEqual(['2700', '3500', '3800', '4200']);
  });

  it('gives nulls, not guesses, for what a miner did not report', () => {
    const bare = limitsFrom({ model: { model: 'x' } });
    expect(bare).toMatchObject({
      voltage10mV: null,
      freqMhz: null,
      cooling: null,
      presets: null,
      moddedPsu: null,
    });
  });
});

describe('validateSettings: accepted changes', () => {
  it("accepts each miner's own current settings", () => {
    expect(validateSettings({ miner: fw127.settings.miner }, s19).autotune).toBe(false);
    expect(validateSettings({ miner: fw134.settings.miner }, s21).autotune).toBe(false);
  });

  it('flags an untuned preset as autotuning, and accepts a tuned one quietly', () => {
    const untuned = validateSettings(oc({ preset: '3200' }), s19);
    expect(untuned.autotune).toBe(true);
    expect(untuned.warnings[0]).toMatchObject({ field: 'miner.overclock.preset' });
    expect(untuned.warnings[0]!.message).toMatch(/autotune/);
    expect(validateSettings(oc({ preset: '2100' }), s19)).toEqual({ warnings: [], autotune: false });
    expect(
      validateSettings(oc({ preset: 'disabled', globals: { volt: 1300, freq: 500 } }), s19).warnings,
    ).toEqual([]);
  });

  it('allows a modded-PSU preset when the miner (or the same change) has modded_psu on', () => {
    expect(validateSettings(oc({ preset: '4200' }), s21).autotune).toBe(true);
    expect(validateSettings(oc({ preset: '3600', modded_psu: true }), s19).autotune).toBe(true);
  });

  it('warns above the warning frequency but accepts it', () => {
    const r = validateSettings(oc({ preset: 'disabled', globals: { freq: 700 } }), s19);
    expect(r.warnings.map((w) => w.field)).toEqual(['miner.overclock.globals.freq']);
  });
});

describe('validateSettings: overclock limits', () => {
  it('holds globals.volt to the stock-PSU limit unless modded_psu is on', () => {
    const r = expectRefused(
      oc({ globals: { volt: 1450 } }),
      s19,
      'miner.overclock.globals.volt',
      /1250\.\.1420/,
      1450,
    );
    expect(r.issues[0]!.allowed).toMatch(/12\.50\.\.14\.20 V/);
    expect(r.issues[0]!.allowed).toMatch(/stock-PSU/);
    expect(() => validateSettings(oc({ modded_psu: true, globals: { volt: 1450 } }), s19)).not.toThrow();
    expectRefused(
      oc({ modded_psu: true, globals: { volt: 1510 } }),
      s19,
      'miner.overclock.globals.volt',
      /1250\.\.1500/,
    );
  });

  it("uses ui.consts where it is narrower than /model, and each generation's own range", () => {
    expectRefused(oc({ globals: { volt: 1200 } }), s19, 'miner.overclock.globals.volt', /1250\.\./, 1200);
    expect(() => validateSettings(oc({ globals: { volt: 1200 } }), s21)).not.toThrow();
    expectRefused(oc({ globals: { volt: 1430 } }), s21, 'miner.overclock.globals.volt', /1150\.\.1420/);
  });

  it('refuses frequencies outside the range, fractions and strings', () => {
    expectRefused(oc({ globals: { freq: 900 } }), s19, 'miner.overclock.globals.freq', /100\.\.800 MHz/, 900);
    expectRefused(oc({ globals: { freq: 700 } }), s21, 'miner.overclock.globals.freq', /100\.\.650 MHz/);
    expectRefused(oc({ globals: { volt: 1360.5 } }), s19, 'miner.overclock.globals.volt', /integer/);
    expectRefused(oc({ globals: { freq: '525' } }), s19, 'miner.overclock.globals.freq', /integer/, '525');
  });

  it('checks per-chain and per-chip frequencies and the number of hashboards', () => {
    expect(() =>
      validateSettings(oc({ chains: [{ freq: 0 }, { freq: 500 }, { freq: 0, chips: [0, 480] }] }), s19),
    ).not.toThrow();
    expectRefused(oc({ chains: [{}, {}, {}, {}] }), s19, 'miner.overclock.chains', /at most 3/);
    expectRefused(
      oc({ chains: [{ freq: 40 }] }),
      s19,
      'miner.overclock.chains[0].freq',
      /100\.\.800 MHz.*0 keeps/,
    );
    expectRefused(
      oc({ chains: [{}, { chips: [0, 0, 900] }] }),
      s19,
      'miner.overclock.chains[1].chips[2]',
      /100\.\.800/,
    );
    expectRefused(
      oc({ chains: [{ disabled: 'yes' }] }),
      s19,
      'miner.overclock.chains[0].disabled',
      /true or false/,
    );
  });

  it('refuses unknown presets, naming the ones the miner has', () => {
    expectRefused(
      oc({ preset: 'turbo' }),
      s19,
      'miner.overclock.preset',
      /1100, 2100, 3200, 3600, 4690/,
      'turbo',
    );
    expectRefused(oc({ preset: '3200' }), s21, 'miner.overclock.preset', /2700, 3500, 3800, 4200/);
  });

  it('refuses a preset that needs a modded PSU on a stock-PSU miner', () => {
    expectRefused(
      oc({ preset: '3600' }),
      s19,
      'miner.overclock.preset',
      /modded PSU.*1100, 2100, 3200/,
      '3600',
    );
    expectRefused(oc({ preset: '4200', modded_psu: false }), s21, 'miner.overclock.preset', /modded PSU/);
  });

  it('refuses presets when the preset list could not be read', () => {
    expectRefused(
      oc({ preset: '2100' }),
      { ...s19, presets: null },
      'miner.overclock.preset',
      /could not be read/,
    );
  });

  it('refuses to set voltage or frequency when the miner reported no limits', () => {
    const none = limitsFrom({ model: {} });
    expectRefused(oc({ globals: { volt: 1300 } }), none, 'miner.overclock.globals.volt', /did not report/);
    expectRefused(oc({ globals: { freq: 500 } }), none, 'miner.overclock.globals.freq', /did not report/);
  });

  it('checks the preset switcher', () => {
    const ps = (preset_switcher: unknown) => oc({ preset_switcher });
    expect(() =>
      validateSettings(ps({ enabled: true, top_preset: '3200', min_preset: '1100' }), s19),
    ).not.toThrow();
    expectRefused(ps({ top_preset: 'max' }), s19, 'miner.overclock.preset_switcher.top_preset', /one of/);
    expectRefused(
      ps({ top_preset: '4690' }),
      s19,
      'miner.overclock.preset_switcher.top_preset',
      /modded PSU/,
    );
    expectRefused(
      ps({ top_preset: '1100', min_preset: '2100' }),
      s19,
      'miner.overclock.preset_switcher.min_preset',
      /at or below/,
    );
    expectRefused(
      ps({ decrease_temp: 95 }),
      s19,
      'miner.overclock.preset_switcher.decrease_temp',
      /25\.\.90 degC/,
    );
    expectRefused(ps({ rise_temp: 86 }), s19, 'miner.overclock.preset_switcher.rise_temp', /0\.\.85 degC/);
    expectRefused(ps({ check_time: 30 }), s19, 'miner.overclock.preset_switcher.check_time', /60\.\.600 s/);
    expectRefused(ps({ power_delta: 60 }), s19, 'miner.overclock.preset_switcher.power_delta', /0\.\.50/);
  });
});

describe('validateSettings: cooling', () => {
  const cool = (cooling: unknown) => ({ miner: { cooling } });

  it('holds the automatic target temperature to the miner range', () => {
    expect(() => validateSettings(cool({ mode: { name: 'auto', param: 70 } }), s19)).not.toThrow();
    expectRefused(
      cool({ mode: { name: 'auto', param: 90 } }),
      s19,
      'miner.cooling.mode.param',
      /35\.\.85 degC/,
      90,
    );
    expectRefused(
      cool({ mode: { name: 'auto', param: 85 } }),
      s21,
      'miner.cooling.mode.param',
      /40\.\.80 degC/,
    );
  });

  it('holds manual fan duty to min_fan_pwm..100 %', () => {
    expectRefused(
      cool({ mode: { name: 'manual', param: 5 } }),
      s19,
      'miner.cooling.mode.param',
      /10\.\.100 %/,
      5,
    );
    expectRefused(
      cool({ mode: { name: 'manual', param: 12 } }),
      s21,
      'miner.cooling.mode.param',
      /15\.\.100 %/,
    );
    expectRefused(
      cool({ mode: { name: 'manual', param: 101 } }),
      s19,
      'miner.cooling.mode.param',
      /10\.\.100/,
    );
  });

  it('knows immersion is spelled immers in settings', () => {
    expect(() => validateSettings(cool({ mode: { name: 'immers' } }), s19)).not.toThrow();
    expectRefused(
      cool({ mode: { name: 'immersion' } }),
      s19,
      'miner.cooling.mode.name',
      /immers/,
      'immersion',
    );
  });

  it('checks fan counts and duties', () => {
    expectRefused(cool({ fan_min_count: 0 }), s19, 'miner.cooling.fan_min_count', /1\.\.4 fans/);
    expectRefused(cool({ fan_min_count: 1 }), s21, 'miner.cooling.fan_min_count', /2\.\.4 fans/);
    expectRefused(
      cool({ fan_min_duty: 60, fan_max_duty: 40 }),
      s19,
      'miner.cooling.fan_min_duty',
      /at most fan_max_duty/,
    );
    expectRefused(cool({ fan_max_duty: 120 }), s19, 'miner.cooling.fan_max_duty', /10\.\.100 %/);
    expectRefused(
      cool({ min_startup_water_temp: 25 }),
      s21,
      'miner.cooling.min_startup_water_temp',
      /0\.\.20 degC/,
    );
  });
});

describe('validateSettings: pools', () => {
  const pools = (list: unknown) => ({ miner: { pools: list } });
  const pool = (url: string, user = 'farm1.w1', pass = 'x') => ({ url, user, pass });

  it('accepts up to three stratum+tcp pools and empty slots', () => {
    expect(() =>
      validateSettings(
        pools([pool('stratum+tcp://10.0.0.9:3333'), pool('stratum+tcp://[fd00::9]:3333'), pool('', '', '')]),
        s19,
      ),
    ).not.toThrow();
  });

  it('refuses more than three pools, and no pool at all', () => {
    const four = [1, 2, 3, 4].map((i) => pool(`stratum+tcp://p${i}.example:3333`));
    expectRefused(pools(four), s19, 'miner.pools', /1\.\.3 pools/);
    expectRefused(pools([]), s19, 'miner.pools', /1\.\.3 pools/);
    expectRefused(pools([pool('', '', '')]), s19, 'miner.pools', /at least one pool/);
  });

  it.each([
    ['http://pool.example:3333', /scheme/],
    ['stratum+ssl://pool.example:443', /scheme/],
    ['stratum+tcp://pool.example', /port is missing/],
    ['stratum+tcp://pool.example:70000', /1\.\.65535/],

    ['stratum+tcp://pool_example!:3333', /host/],
    ['pool.example:3333', /form/],
  ])('refuses the pool URL %s', (url, why) => {
    expectRefused(pools([pool(url)]), s19, 'miner.pools[0].url', why, url);
  });

  it('refuses user info in the URL without repeating it', () => {
    const r = expectRefused(
      pools([pool('stratum+tcp://farm1:Url-Secret-9@pool.example:3333')]),
      s19,
      'miner.pools[0].url',
      /user or password/,
      '(hidden)',
    );
    expect(JSON.stringify(r)).not.toContain('Url-Secret-9');
  });

  it('checks user and pass, and never shows the pool password', () => {
    expectRefused(
      pools([pool('stratum+tcp://p.example:3333', 'farm1 w1')]),
      s19,
      'miner.pools[0].user',
      /without spaces/,
    );
    const r = expectRefused(
      pools([pool('stratum+tcp://p.example:3333', 'farm1.w1', 'pool-secret\n')]),
      s19,
      'miner.pools[0].pass',
      /control characters/,
      '(hidden)',
    );
    expect(JSON.stringify(r)).not.toContain('pool-secret');
    expectRefused(
      pools([{ url: 'stratum+tcp://p.example:3333', user: 'a.b' }]),
      s19,
      'miner.pools[0].pass',
      /required/,
    );
  });
});

describe('validateSettings: misc and the shape of the change', () => {
  const misc = (m: unknown) => ({ miner: { misc: m } });

  it('allows the power limit only where the firmware has one, within its maximum', () => {
    expect(() => validateSettings(misc({ power_limit: 3500, power_limit_enabled: true }), s21)).not.toThrow();
    expectRefused(misc({ power_limit: 4500 }), s21, 'miner.misc.power_limit', /0\.\.4000 W/, 4500);
    expectRefused(misc({ power_limit: 3000 }), s19, 'miner.misc.power_limit', /no power limit/);
  });

  it('checks temperature and percentage ranges in misc', () => {
    expectRefused(misc({ restart_temp: 130 }), s19, 'miner.misc.restart_temp', /50\.\.120 degC/);
    expectRefused(misc({ restart_hashrate: 150 }), s19, 'miner.misc.restart_hashrate', /0\.\.100 %/);
    expectRefused(
      misc({ tuner_bad_chip_hr_threshold: 10 }),
      s19,
      'miner.misc.tuner_bad_chip_hr_threshold',
      /20\.\.80/,
    );
    expectRefused(misc({ min_operational_chains: 4 }), s19, 'miner.misc.min_operational_chains', /0\.\.3/);
    expectRefused(misc({ quiet_mode: 'on' }), s19, 'miner.misc.quiet_mode', /true or false/);
  });

  it('refuses unknown fields, nulls and everything outside miner', () => {
    expectRefused(
      misc({ overclock_everything: true }),
      s19,
      'miner.misc.overclock_everything',
      /known setting/,
    );
    expectRefused({ miner: { overclock: null } }, s19, 'miner.overclock', /instead of null/);
    expectRefused({ miner: {}, network: { dhcp: false } }, s19, 'network', /only miner settings/);
    expectRefused({}, s19, 'miner', /present/);
    expectRefused('preset=3200', s19, 'settings', /object/);
  });

  it('sends password changes elsewhere and never repeats the password', () => {
    const r = expectRefused(
      { password: { current: 'old-Secret-1', pw: 'new-Secret-2' }, miner: { overclock: { preset: '2100' } } },
      s19,
      'password',
      /credentials\.changePassword/,
    );
    expect(JSON.stringify(r)).not.toMatch(/Secret-/);
  });

  it('refuses prototype-pollution keys without polluting anything', () => {
    const change = JSON.parse(
      '{"miner":{"__proto__":{"polluted":true},"misc":{"constructor":{"x":1}}}}',
    ) as unknown;
    const r = refusal(change, s19);
    expect(r.issues.map((i) => i.field).sort()).toEqual(['miner.__proto__', 'miner.misc.constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports every problem at once, with the first five in the message', () => {
    const r = refusal(
      {
        miner: {
          overclock: { preset: 'turbo', globals: { volt: 2000, freq: 5 } },
          cooling: { mode: { name: 'auto', param: 99 }, fan_max_duty: 101 },
          pools: [{ url: 'http://x', user: '', pass: 'x' }],
        },
      },
      s19,
    );
    expect(r.issues.map((i) => i.field)).toEqual([
      'miner.overclock.preset',
      'miner.overclock.globals.volt',
      'miner.overclock.globals.freq',
      'miner.cooling.mode.param',
      'miner.cooling.fan_max_duty',
      'miner.pools[0].url',
      'miner.pools[0].user',
    ]);
    expect(r.message).toMatch(/^Settings change refused for this s19jpro: /);
    expect(r.message).toContain('(and 2 more)');
  });
});

describe('validateSettingsFor', () => {
  it('reads the limits through the client and sends nothing', async () => {
    const calls: string[] = [];
    const client = {
      model: async (a: string) => (calls.push(`model ${a}`), fw134.model),
      settings: async (a: string) => (calls.push(`settings ${a}`), fw134.settings),
      presets: async (a: string) => (calls.push(`presets ${a}`), fw134.presets),
    };
    const r = await validateSettingsFor(client, '127.0.0.2', oc({ preset: '3800' }));
    expect(r.autotune).toBe(true);
    expect(r.limits.model).toBe('s21');
    expect(calls.sort()).toEqual(['model 127.0.0.2', 'presets 127.0.0.2', 'settings 127.0.0.2']);
    await expect(validateSettingsFor(client, '127.0.0.2', oc({ preset: '9999' }))).rejects.toMatchObject({
      code: 'ValidationError',
    });
  });
});

describe('parsePoolUrl', () => {
  it('parses host names, IPv4 and IPv6 hosts', () => {
    expect(parsePoolUrl('stratum+tcp://btc.pool.example:3333')).toEqual({
      scheme: 'stratum+tcp',
      host: 'btc.pool.example',
      port: 3333,
    });
    expect(parsePoolUrl('STRATUM+TCP://10.0.0.1:25/')).toMatchObject({ host: '10.0.0.1', port: 25 });
    expect(parsePoolUrl('stratum+tcp://[2001:db8::1]:3333')).toMatchObject({
      host: '[2001:db8::1]',
      port: 3333,
    });
    expect(typeof parsePoolUrl('stratum+tcp://999.1.1.1:3333')).toBe('string');
    expect(typeof parsePoolUrl(`stratum+tcp://${'a'.repeat(600)}:1`)).toBe('string');
  });
});
