/**
 * Checks a partial vnish settings change against the miner's own limits before anything is sent.
 *
 * A change is the body of `POST /settings` (`{"miner": {"overclock": {...}, "cooling": {...}, "pools":
 * [...], "misc": {...}}}`). Limits come from the miner itself (`/model`, `ui.consts`, `/autotune/presets`,
 * see validation/limits.ts), so an S19 and an S21 on different firmware are each held to their own.
 * Every problem is collected; the error names each field and its allowed range. Unknown fields, nulls
 * and anything outside `miner` are refused: what Hashwatch does not understand, it does not send.
 */
import { HashwatchError } from '../../../shared/errors.js';
import {
  loadMinerLimits,
  type LimitsClient,
  type MinerLimits,
  type PresetLimit,
} from './validation/limits.js';
import { parsePoolUrl, POOL_SCHEMES } from './validation/pool-url.js';

export type { MinerLimits, PresetLimit, LimitsClient } from './validation/limits.js';
export { limitsFrom, loadMinerLimits, parsePresets } from './validation/limits.js';

/** One refused field: `details` of the ValidationError is an array of these. */
export interface SettingsIssue {
  /** Dotted path in the settings body, e.g. `miner.overclock.globals.volt`. */
  field: string;
  /** What the miner accepts there, in words and units. */
  allowed: string;
  /** What the change had (`(hidden)` for secrets). */
  got: unknown;
}

export interface SettingsWarning {
  field: string;
  message: string;
}

export interface SettingsCheck {
  /** Accepted, but the technician should know (untuned preset, frequency over the warning level...). */
  warnings: SettingsWarning[];
  /** The change selects an untuned preset: the miner will autotune (long, lower and unstable hashrate). */
  autotune: boolean;
}

/** The most pools a vnish miner holds. */
export const MAX_POOLS = 3;

const HIDDEN = '(hidden)';
const MAX_DETAILS = 50;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 80)}...` : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

const volts = (v10mV: number) => (v10mV / 100).toFixed(2);

class Checker {
  readonly issues: SettingsIssue[] = [];
  readonly warnings: SettingsWarning[] = [];
  autotune = false;

  fail(field: string, allowed: string, got: unknown): void {
    this.issues.push({ field, allowed, got: got === HIDDEN ? HIDDEN : show(got) });
  }

  warn(field: string, message: string): void {
    this.warnings.push({ field, message });
  }

  /** The keys of an object, refusing any not in `known`; false when `v` is not an object at all. */
  object(field: string, v: unknown, known: readonly string[]): v is Obj {
    if (!isObj(v)) {
      this.fail(field, v === null ? 'leave the field out instead of null' : 'an object', v);
      return false;
    }
    for (const k of Object.keys(v)) {
      if (!known.includes(k))
        this.fail(`${field}.${k}`, `a known setting: ${known.join(', ')}`, '(unknown field)');
    }
    return true;
  }

  /** An integer in [min, max]; `unit` and `note` complete the allowed text. */
  int(field: string, v: unknown, min: number, max: number, unit = '', note = ''): v is number {
    const allowed = `an integer ${min}..${max}${unit}${note ? ` (${note})` : ''}`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, allowed, v);
      return false;
    }
    return true;
  }

  bool(field: string, v: unknown): void {
    if (typeof v !== 'boolean') this.fail(field, 'true or false', v);
  }
}

function presetNames(presets: readonly PresetLimit[]): string {
  const names = presets.map((p) => p.name);
  return names.length > 20 ? `${names.slice(0, 20).join(', ')}, ...` : names.join(', ');
}

/** Checks one preset name (overclock.preset or a preset switcher bound). */
function checkPreset(
  ck: Checker,
  field: string,
  v: unknown,
  limits: MinerLimits,
  moddedPsu: boolean,
): PresetLimit | null {
  if (typeof v !== 'string' || v === '') {
    ck.fail(field, 'a preset name', v);
    return null;
  }
  if (!limits.presets) {
    ck.fail(field, 'a preset the miner lists (its preset list could not be read, so none can be checked)', v);
    return null;
  }
  const preset = limits.presets.find((p) => p.name === v);
  if (!preset) {
    // `disabled` (manual voltage and frequency) exists on every vnish miner even where the list omits it.
    if (v === 'disabled') return { name: v, pretty: 'Disabled', tuned: true, moddedPsuRequired: false };
    ck.fail(field, `one of the miner's presets: ${presetNames(limits.presets)}`, v);
    return null;
  }
  if (preset.moddedPsuRequired && !moddedPsu) {
    const usable = limits.presets.filter((p) => !p.moddedPsuRequired);
    ck.fail(
      field,
      `a preset that needs no modded PSU (modded_psu is off on this miner): ${presetNames(usable)}`,
      v,
    );
    return null;
  }
  return preset;
}

const OVERCLOCK_KEYS = ['preset', 'modded_psu', 'globals', 'chains', 'preset_switcher'] as const;
const SWITCHER_KEYS = [
  'enabled',
  'autochange_top_preset',
  'ignore_fan_speed',
  'top_preset',
  'min_preset',
  'decrease_temp',
  'rise_temp',
  'check_time',
  'power_delta',
] as const;

function checkOverclock(ck: Checker, oc: unknown, limits: MinerLimits): void {
  const f = 'miner.overclock';
  if (!ck.object(f, oc, OVERCLOCK_KEYS)) return;
  if ('modded_psu' in oc) ck.bool(`${f}.modded_psu`, oc.modded_psu);
  const moddedPsu = typeof oc.modded_psu === 'boolean' ? oc.modded_psu : (limits.moddedPsu ?? false);

  if ('preset' in oc) {
    const preset = checkPreset(ck, `${f}.preset`, oc.preset, limits, moddedPsu);
    if (preset && !preset.tuned) {
      ck.autotune = true;
      ck.warn(
        `${f}.preset`,
        `Preset ${preset.name} is not tuned on this miner yet: it will autotune, with lower and unstable hashrate for a long time.`,
      );
    }
  }

  if ('globals' in oc && ck.object(`${f}.globals`, oc.globals, ['volt', 'freq'])) {
    const g = oc.globals;
    if ('volt' in g) {
      const v = limits.voltage10mV;
      if (!v) ck.fail(`${f}.globals.volt`, 'nothing: the miner did not report its voltage limits', g.volt);
      else {
        const stockCap = !moddedPsu && v.maxStockPsu !== null && v.maxStockPsu < v.max;
        const max = stockCap ? v.maxStockPsu! : v.max;
        const note = `units of 10 mV, ${volts(v.min)}..${volts(max)} V${stockCap ? '; the stock-PSU limit, modded_psu is off' : ''}`;
        ck.int(`${f}.globals.volt`, g.volt, v.min, max, '', note);
      }
    }
    if ('freq' in g) checkFreq(ck, `${f}.globals.freq`, g.freq, limits, false);
    const preset = typeof oc.preset === 'string' ? oc.preset : null;
    if (preset !== null && preset !== 'disabled') {
      ck.warn(`${f}.globals`, 'Manual voltage and frequency take effect only with the preset `disabled`.');
    }
  }

  if ('chains' in oc) checkChains(ck, `${f}.chains`, oc.chains, limits);

  if ('preset_switcher' in oc && ck.object(`${f}.preset_switcher`, oc.preset_switcher, SWITCHER_KEYS)) {
    const s = oc.preset_switcher;
    const sf = `${f}.preset_switcher`;
    for (const k of ['enabled', 'autochange_top_preset', 'ignore_fan_speed'] as const) {
      if (k in s) ck.bool(`${sf}.${k}`, s[k]);
    }
    const top =
      'top_preset' in s ? checkPreset(ck, `${sf}.top_preset`, s.top_preset, limits, moddedPsu) : null;
    const min =
      'min_preset' in s ? checkPreset(ck, `${sf}.min_preset`, s.min_preset, limits, moddedPsu) : null;
    if (
      top &&
      min &&
      /^\d+$/.test(top.name) &&
      /^\d+$/.test(min.name) &&
      Number(min.name) > Number(top.name)
    ) {
      ck.fail(`${sf}.min_preset`, `a preset at or below top_preset ${top.name}`, min.name);
    }
    if ('decrease_temp' in s) ck.int(`${sf}.decrease_temp`, s.decrease_temp, 25, 90, ' degC');
    if ('rise_temp' in s) ck.int(`${sf}.rise_temp`, s.rise_temp, 0, 85, ' degC');
    if ('check_time' in s) ck.int(`${sf}.check_time`, s.check_time, 60, 600, ' s');
    if ('power_delta' in s) ck.int(`${sf}.power_delta`, s.power_delta, 0, 50, ' %');
  }
}

/** A frequency in MHz; `zeroInherits`: 0 means "use the level above" (chains and chips). */
function checkFreq(ck: Checker, field: string, v: unknown, limits: MinerLimits, zeroInherits: boolean): void {
  const r = limits.freqMhz;
  if (!r) {
    ck.fail(field, 'nothing: the miner did not report its frequency limits', v);
    return;
  }
  if (zeroInherits && v === 0) return;
  const ok = ck.int(field, v, r.min, r.max, ' MHz', zeroInherits ? '0 keeps the level above' : '');
  if (ok && r.warn !== null && (v as number) > r.warn) {
    ck.warn(field, `${v as number} MHz is above the firmware's warning level of ${r.warn} MHz.`);
  }
}

function checkChains(ck: Checker, field: string, v: unknown, limits: MinerLimits): void {
  if (!Array.isArray(v)) {
    ck.fail(field, 'an array with one entry per hashboard', v);
    return;
  }
  const maxChains = limits.numChains ?? 4;
  if (v.length > maxChains) {
    ck.fail(field, `at most ${maxChains} entries (one per hashboard)`, v);
    return;
  }
  v.forEach((chain, i) => {
    const cf = `${field}[${i}]`;
    if (!ck.object(cf, chain, ['freq', 'disabled', 'chips'])) return;
    if ('freq' in chain) checkFreq(ck, `${cf}.freq`, chain.freq, limits, true);
    if ('disabled' in chain) ck.bool(`${cf}.disabled`, chain.disabled);
    if ('chips' in chain) {
      const chips = chain.chips;
      const maxChips = limits.chipsPerChain ?? 512;
      if (!Array.isArray(chips) || chips.length > maxChips) {
        ck.fail(`${cf}.chips`, `an array of at most ${maxChips} chip frequencies`, chips);
        return;
      }
      // One message for the first bad chip is enough; a hundred would bury the others.
      const before = ck.issues.length;
      for (let j = 0; j < chips.length && ck.issues.length === before; j++) {
        checkFreq(ck, `${cf}.chips[${j}]`, chips[j], limits, true);
      }
    }
  });
}

const COOLING_KEYS = [
  'mode',
  'fan_min_count',
  'fan_min_duty',
  'fan_max_duty',
  'min_startup_water_temp',
] as const;

function checkCooling(ck: Checker, v: unknown, limits: MinerLimits): void {
  const f = 'miner.cooling';
  if (!ck.object(f, v, COOLING_KEYS)) return;
  const lim = limits.cooling;
  const minPwm = lim?.minFanPwm ?? 0;
  if ('mode' in v && ck.object(`${f}.mode`, v.mode, ['name', 'param'])) {
    const mode = v.mode;
    if (mode.name === 'auto') {
      const t = lim?.targetTempC;
      if (!t)
        ck.fail(
          `${f}.mode.param`,
          'nothing: the miner did not report its target temperature range',
          mode.param,
        );
      else ck.int(`${f}.mode.param`, mode.param, t.min, t.max, ' degC', 'target temperature');
    } else if (mode.name === 'manual') {
      ck.int(`${f}.mode.param`, mode.param, minPwm, 100, ' %', 'fan duty');
    } else if (mode.name === 'immers') {
      if ('param' in mode)
        ck.fail(`${f}.mode.param`, 'nothing: immersion mode takes no parameter', mode.param);
    } else {
      ck.fail(
        `${f}.mode.name`,
        'auto, manual or immers (immersion is spelled immers in settings)',
        mode.name,
      );
    }
  }
  if ('fan_min_count' in v) {
    const r = lim?.fanMinCount ?? { min: 0, max: 16 };
    ck.int(`${f}.fan_min_count`, v.fan_min_count, r.min, r.max, ' fans');
  }
  const minOk = 'fan_min_duty' in v && ck.int(`${f}.fan_min_duty`, v.fan_min_duty, minPwm, 100, ' %');
  const maxOk = 'fan_max_duty' in v && ck.int(`${f}.fan_max_duty`, v.fan_max_duty, minPwm, 100, ' %');
  if (minOk && maxOk && (v.fan_min_duty as number) > (v.fan_max_duty as number)) {
    ck.fail(`${f}.fan_min_duty`, `at most fan_max_duty (${v.fan_max_duty as number} %)`, v.fan_min_duty);
  }
  if ('min_startup_water_temp' in v)
    ck.int(`${f}.min_startup_water_temp`, v.min_startup_water_temp, 0, 20, ' degC');
}

function checkPools(ck: Checker, v: unknown): void {
  const f = 'miner.pools';
  if (!Array.isArray(v)) {
    ck.fail(f, `an array of 1..${MAX_POOLS} pools`, v);
    return;
  }
  if (v.length === 0 || v.length > MAX_POOLS) {
    ck.fail(f, `1..${MAX_POOLS} pools`, v);
    return;
  }
  let used = 0;
  v.forEach((pool, i) => {
    const pf = `${f}[${i}]`;
    if (!ck.object(pf, pool, ['url', 'user', 'pass'])) return;
    for (const k of ['url', 'user', 'pass'] as const) {
      if (!(k in pool)) ck.fail(`${pf}.${k}`, 'a string (url, user and pass are all required)', undefined);
    }
    const { url, user, pass } = pool;
    if ('pass' in pool && (typeof pass !== 'string' || pass.length > 256 || hasControlChars(pass))) {
      ck.fail(`${pf}.pass`, 'a string of at most 256 characters with no control characters', HIDDEN);
    }
    if (url === '' && (user === '' || user === undefined)) return; // an empty slot
    if (typeof url !== 'string') {
      if ('url' in pool) ck.fail(`${pf}.url`, `a URL like ${POOL_SCHEMES[0]}://host:port`, url);
    } else {
      used++;
      const parsed = parsePoolUrl(url);
      // A URL with user info may carry the pool password: refuse it without repeating it.
      const shown = url.includes('@') ? HIDDEN : url;
      if (typeof parsed === 'string')
        ck.fail(`${pf}.url`, `${POOL_SCHEMES[0]}://host:port (${parsed})`, shown);
    }
    if (
      'user' in pool &&
      (typeof user !== 'string' ||
        user === '' ||
        user.length > 256 ||
        /\s/.test(user) ||
        hasControlChars(user))
    ) {
      ck.fail(`${pf}.user`, 'the pool user (account.worker), 1..256 characters without spaces', user);
    }
  });
  if (used === 0) ck.fail(f, 'at least one pool with a URL', v);
}

const MISC_BOOLEANS = [
  'asic_boost',
  'auto_chip_throttling',
  'bitmain_disable_volt_comp',
  'disable_chain_break_protection',
  'disable_restart_unbalanced',
  'disable_volt_checks',
  'downscale_preset_on_failure',
  'ignore_broken_sensors',
  'ignore_chip_sensors',
  'quick_start',
  'quiet_mode',
  'remain_stopped_on_reboot',
  'allow_disabling_chains_without_pics',
  'automatic_pause_on_boot',
  'keep_hashing_when_offline',
  'power_limit_enabled',
  'restore_miner_state_on_reboot',
  'retune_on_chain_break',
] as const;
const MISC_INTS = [
  'higher_volt_offset',
  'max_restart_attempts',
  'max_startup_delay_time',
  'min_startup_delay_time',
  'min_operational_chains',
  'restart_hashrate',
  'restart_temp',
  'tuner_bad_chip_hr_threshold',
  'power_limit',
] as const;

function checkMisc(ck: Checker, v: unknown, limits: MinerLimits): void {
  const f = 'miner.misc';
  if (!ck.object(f, v, [...MISC_BOOLEANS, ...MISC_INTS])) return;
  for (const k of MISC_BOOLEANS) if (k in v) ck.bool(`${f}.${k}`, v[k]);
  const ranges: Record<(typeof MISC_INTS)[number], [number, number, string]> = {
    higher_volt_offset: [0, 100, ''],
    max_restart_attempts: [0, 100, ''],
    max_startup_delay_time: [0, 300, ' s'],
    min_startup_delay_time: [0, 300, ' s'],
    min_operational_chains: [0, limits.numChains ?? 4, ' hashboards'],
    restart_hashrate: [0, 100, ' % (0 disables)'],
    restart_temp: [50, 120, ' degC'],
    tuner_bad_chip_hr_threshold: [20, 80, ' %'],
    power_limit: [0, limits.maxPowerLimitW ?? 0, ' W'],
  };
  for (const k of MISC_INTS) {
    if (!(k in v)) continue;
    if (k === 'power_limit' && limits.maxPowerLimitW === null) {
      ck.fail(`${f}.power_limit`, 'nothing: this miner has no power limit (firmware 1.3 and later)', v[k]);
      continue;
    }
    const [min, max, unit] = ranges[k];
    ck.int(`${f}.${k}`, v[k], min, max, unit);
  }
}

function describe(issue: SettingsIssue): string {
  const got = issue.got === HIDDEN ? '' : `; got ${JSON.stringify(issue.got) ?? 'nothing'}`;
  return `${issue.field} must be ${issue.allowed}${got}`;
}

/**
 * Checks a settings change against one miner's limits; throws `ValidationError` (details: every
 * `SettingsIssue`) when anything is outside them, and returns warnings otherwise.
 */
export function validateSettings(change: unknown, limits: MinerLimits): SettingsCheck {
  const ck = new Checker();
  if (!isObj(change)) {
    ck.fail('settings', 'an object like {"miner": {...}}', change);
  } else {
    for (const k of Object.keys(change)) {
      if (k === 'miner') continue;
      if (k === 'password') ck.fail('password', 'changed through credentials.changePassword only', HIDDEN);
      else
        ck.fail(
          k,
          'left out: Hashwatch changes only miner settings (overclock, cooling, pools, misc)',
          '(present)',
        );
    }
    if ('miner' in change && ck.object('miner', change.miner, ['overclock', 'cooling', 'pools', 'misc'])) {
      const m = change.miner;
      if (Object.keys(m).length === 0) ck.fail('miner', 'at least one of overclock, cooling, pools, misc', m);
      if ('overclock' in m) checkOverclock(ck, m.overclock, limits);
      if ('cooling' in m) checkCooling(ck, m.cooling, limits);
      if ('pools' in m) checkPools(ck, m.pools);
      if ('misc' in m) checkMisc(ck, m.misc, limits);
    } else if (!('miner' in change)) {
      ck.fail('miner', 'present: a change sets miner.overclock, .cooling, .pools or .misc', undefined);
    }
  }
  if (ck.issues.length > 0) {
    const shown = ck.issues.slice(0, 5).map(describe).join('; ');
    const more = ck.issues.length > 5 ? ` (and ${ck.issues.length - 5} more)` : '';
    const model = limits.model ? ` for this ${limits.model}` : '';
    throw new HashwatchError(
      'ValidationError',
      `Settings change refused${model}: ${shown}${more}`,
      ck.issues.slice(0, MAX_DETAILS),
    );
  }
  return { warnings: ck.warnings, autotune: ck.autotune };
}

/** Reads the miner's limits through the vnish client, then validates; nothing is sent to the miner. */
export async function validateSettingsFor(
  client: LimitsClient,
  address: string,
  change: unknown,
): Promise<SettingsCheck & { limits: MinerLimits }> {
  const limits = await loadMinerLimits(client, address);
  return { ...validateSettings(change, limits), limits };
}
