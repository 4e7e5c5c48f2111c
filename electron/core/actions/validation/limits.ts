/**
 * One miner's own limits for settings changes, read from what the miner reports about itself.
 *
 * Sources: `GET /model` (`overclock`, `cooling`, `chain`), `GET /settings` (`ui.consts`, the current
 * `modded_psu`), and `GET /autotune/presets`. When `/model` and `ui.consts` both give a limit, the
 * narrower one wins. Voltages stay in the firmware's units of 10 mV here, because that is the unit of
 * the `globals.volt` field they are checked against; messages show volts too.
 */

/** A preset as the firmware lists it. */
export interface PresetLimit {
  name: string;
  pretty: string | null;
  /** false: choosing it starts autotuning (long, with low and unstable hashrate). */
  tuned: boolean;
  moddedPsuRequired: boolean;
}

export interface MinerLimits {
  model: string | null;
  /** `globals.volt` bounds in units of 10 mV; `maxStockPsu` applies unless `modded_psu` is on. */
  voltage10mV: { min: number; max: number; maxStockPsu: number | null } | null;
  freqMhz: { min: number; max: number; warn: number | null } | null;
  cooling: {
    /** Lowest manual fan duty the firmware accepts, percent. */
    minFanPwm: number | null;
    /** Target temperature range of the automatic fan mode, degC. */
    targetTempC: { min: number; max: number } | null;
    fanMinCount: { min: number; max: number } | null;
  } | null;
  /** `misc.power_limit` ceiling in W (firmware 1.3.x); null where the firmware has no power limit. */
  maxPowerLimitW: number | null;
  numChains: number | null;
  chipsPerChain: number | null;
  /** null when the preset list could not be read. */
  presets: PresetLimit[] | null;
  /** The miner's current `overclock.modded_psu`, used when a change does not set it. */
  moddedPsu: boolean | null;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(root: unknown, ...path: string[]): unknown {
  let v = root;
  for (const k of path) {
    if (!isObj(v) || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

function num(root: unknown, ...path: string[]): number | null {
  const v = at(root, ...path);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** The narrower of two optional bounds: `pick` is Math.max for lower bounds and Math.min for upper ones. */
function narrow(pick: (a: number, b: number) => number, ...values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  // Not reduce(pick): reduce would hand Math.max the index and the array too, giving NaN.
  return known.length === 0 ? null : known.reduce((a, b) => pick(a, b));
}

function range(min: number | null, max: number | null): { min: number; max: number } | null {
  return min !== null && max !== null && min <= max ? { min, max } : null;
}

/** Accepts both the bare array real firmware returns and `{presets: [...]}` (NOTES.md). */
export function parsePresets(raw: unknown): PresetLimit[] | null {
  const list = Array.isArray(raw) ? raw : isObj(raw) && Array.isArray(raw.presets) ? raw.presets : null;
  if (!list) return null;
  const out: PresetLimit[] = [];
  for (const p of list) {
    const name = at(p, 'name');
    if (typeof name !== 'string' || name === '') continue;
    const pretty = at(p, 'pretty');
    out.push({
      name,
      pretty: typeof pretty === 'string' ? pretty : null,
      tuned: at(p, 'status') === 'tuned',
      moddedPsuRequired: at(p, 'modded_psu_required') === true,
    });
  }
  return out;
}

export interface LimitSources {
  /** `GET /model`. */
  model: unknown;
  /** `GET /settings` (for `ui.consts` and the current `modded_psu`); optional. */
  settings?: unknown;
  /** `GET /autotune/presets`; optional. */
  presets?: unknown;
}

/** Builds the limits from the miner's raw answers; anything missing or malformed becomes null. */
export function limitsFrom(src: LimitSources): MinerLimits {
  const m = src.model;
  const c = at(src.settings, 'ui', 'consts');
  const oc = (key: string, pick: (a: number, b: number) => number) =>
    narrow(pick, num(m, 'overclock', key), num(c, 'overclock', key));
  const cool = (pick: (a: number, b: number) => number, ...path: string[]) =>
    narrow(pick, num(m, 'cooling', ...path), num(c, 'cooling', ...path));

  const vMin = oc('min_voltage', Math.max);
  const vMax = oc('max_voltage', Math.min);
  const voltage = range(vMin, vMax);
  const freq = range(oc('min_freq', Math.max), oc('max_freq', Math.min));
  const targetTempC = range(cool(Math.max, 'min_target_temp'), cool(Math.min, 'max_target_temp'));
  const fanMinCount = range(cool(Math.max, 'fan_min_count', 'min'), cool(Math.min, 'fan_min_count', 'max'));
  const minFanPwm = cool(Math.max, 'min_fan_pwm');
  const modded = at(src.settings, 'miner', 'overclock', 'modded_psu');
  const model = at(m, 'model') ?? at(m, 'full_name');

  return {
    model: typeof model === 'string' ? model : null,
    voltage10mV: voltage ? { ...voltage, maxStockPsu: oc('max_voltage_stock_psu', Math.min) } : null,
    freqMhz: freq ? { ...freq, warn: oc('warn_freq', Math.min) } : null,
    cooling:
      targetTempC || fanMinCount || minFanPwm !== null ? { minFanPwm, targetTempC, fanMinCount } : null,
    maxPowerLimitW: oc('max_power_limit', Math.min),
    numChains: num(m, 'chain', 'num_chains'),
    chipsPerChain: num(m, 'chain', 'chips_per_chain'),
    presets: src.presets === undefined ? null : parsePresets(src.presets),
    moddedPsu: typeof modded === 'boolean' ? modded : null,
  };
}

/** The part of the vnish client that reads a miner's limits. */
export interface LimitsClient {
  model(address: string): Promise<unknown>;
  settings(address: string): Promise<unknown>;
  presets(address: string): Promise<unknown>;
}

/** Reads a miner's limits through the vnish client (three requests, in parallel). */
export async function loadMinerLimits(client: LimitsClient, address: string): Promise<MinerLimits> {
  const [model, settings, presets] = await Promise.all([
    client.model(address),
    client.settings(address),
    client.presets(address),
  ]);
  return limitsFrom({ model, settings, presets });
}
