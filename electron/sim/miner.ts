/**
 * One simulated vnish miner: hidden chip quality, physics, firmware state machine, faults and settings.
 *
 * Physics is advanced lazily in fixed 5 s ticks aligned to the sim clock, only when something looks at
 * the miner (an API request, the control API, a clock jump). Per-tick noise comes from a counter-based
 * hash, so the result does not depend on when or how often a miner is evaluated: same seed, same farm.
 */
import {
  CAL_CHIP_C,
  CAL_DUTY,
  CAL_INLET_C,
  CONTROL_W,
  FREQ_MARGIN,
  LEAK_K,
  LEAK_SHARE,
  VOLT_EXP,
  fanPowerW,
  type ModelSpec,
  type PresetSpec,
} from './models.js';
import { hash32, makeToken, noise01, noiseNormal, Rng } from './rng.js';
import type { Site } from './site.js';
import type { FaultRecord, FaultSpec, FirmwareGen, PresetTruth } from './types.js';

/** Length of one physics tick, ms of sim time. */
export const TICK_MS = 5000;
/** Interval of `/metrics` samples, ms of sim time. */
export const METRIC_MS = 60_000;
/** `/metrics` keeps three days, as the firmware documents. */
export const METRIC_CAP = (3 * 86_400_000) / METRIC_MS;

/** Firmware `miner_state` values. */
export type MinerState =
  | 'mining'
  | 'initializing'
  | 'starting'
  | 'auto-tuning'
  | 'restarting'
  | 'shutting-down'
  | 'stopped'
  | 'failure';

/** Durations of the firmware's phases, sim seconds. */
export interface Timing {
  rebootDownS: number;
  initS: number;
  restartS: number;
  startS: number;
  autotuneS: number;
}

/** Everything a miner is built from. */
export interface MinerInit {
  index: number;
  seed: number;
  model: ModelSpec;
  firmware: string;
  password: string;
  preset?: string;
  presetsWrapped: boolean;
  brand: string;
  fanTargetC: number;
  host: string;
  mac: string;
  site: Site;
  timing: Timing;
  startMs: number;
  /** Sim seconds of history before `startMs` (physics runs through it lazily, filling `/metrics`). */
  historyS?: number;
}

/** Error a firmware endpoint answers with: status and `{"err"}` text. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Model constants derived once per model. */
interface Cal {
  chipStockW: number;
  kHash: number; // GH/s per MHz per chip
  cDyn: number; // W per (MHz x v^2) per chip
  cLeak: number; // W per chip at v=1, 70 degC
  rthAir: number; // degC per chain-W at calibration airflow
  rthWater: number;
  calAirflow: number;
}
const calCache = new WeakMap<ModelSpec, Cal>();
function cal(m: ModelSpec): Cal {
  let c = calCache.get(m);
  if (!c) {
    const n = m.chains * m.chipsPerChain;
    const chipStockW = m.stockPowerW - CONTROL_W - fanPowerW(m, CAL_DUTY);
    const chainW = chipStockW / m.chains;
    c = {
      chipStockW,
      kHash: (m.stockThs * 1000) / (n * m.stockFreqMhz),
      cDyn: ((1 - LEAK_SHARE) * chipStockW) / (n * m.stockFreqMhz),
      cLeak: (LEAK_SHARE * chipStockW) / n,
      calAirflow: airflow(CAL_DUTY),
      rthAir: (CAL_CHIP_C - CAL_INLET_C) / chainW,
      rthWater: 35 / chainW,
    };
    calCache.set(m, c);
  }
  return c;
}

function airflow(duty: number): number {
  return 0.15 + (0.85 * duty) / 100;
}

interface ChainYield {
  hashSum: number; // sum of chip MHz x yield
  dynSum: number; // sum of chip MHz x leakiness
  errFrac: number;
  orange: number;
  red: number;
  alive: number;
}

interface ChainDyn {
  failed: boolean;
  failMsg: string;
  degradeStartMs: number;
  degradeRampMs: number;
  degradeOrder: Uint16Array | null;
  chipC: number;
  hrGhs: number;
  idealGhs: number;
  powerW: number;
  freqMhz: number;
  voltMv: number;
  hwErrors: number;
  errFrac: number;
  orange: number;
  red: number;
  waterInC: number;
  waterOutC: number;
  tempOffsetC: number;
  cacheF: number;
  cacheV: number;
  cacheTuned: boolean;
  cacheDeg: number;
  cache: ChainYield | null;
}

interface PoolDyn {
  url: string;
  user: string;
  pass: string;
  accepted: number;
  rejected: number;
  stale: number;
  diffa: number;
  acc: number;
  lastShareMs: number;
  fault: 'offline' | 'rejecting' | null;
  faultSinceMs: number;
  pingMs: number;
}

interface Annotation {
  timeS: number;
  type: string;
  chain?: number;
}

/** Fixed-size ring of one-minute samples for `/metrics`. */
class MetricRing {
  private cap = 0;
  private head = 0;
  count = 0;
  timeS = new Float64Array(0);
  hr = new Float64Array(0);
  power = new Uint16Array(0);
  chip = new Int16Array(0);
  pcb = new Int16Array(0);
  duty = new Uint8Array(0);

  push(timeS: number, hr: number, power: number, chip: number, pcb: number, duty: number): void {
    if (this.count === this.cap && this.cap < METRIC_CAP)
      this.grow(Math.min(METRIC_CAP, Math.max(64, this.cap * 2)));
    const i = (this.head + this.count) % this.cap;
    this.timeS[i] = timeS;
    this.hr[i] = hr;
    this.power[i] = Math.max(0, Math.min(65535, power));
    this.chip[i] = chip;
    this.pcb[i] = pcb;
    this.duty[i] = duty;
    if (this.count < this.cap) this.count++;
    else this.head = (this.head + 1) % this.cap;
  }

  /** Sample `k` (0 = oldest). */
  at(k: number): number {
    return (this.head + k) % this.cap;
  }

  private grow(cap: number): void {
    const n = {
      timeS: new Float64Array(cap),
      hr: new Float64Array(cap),
      power: new Uint16Array(cap),
      chip: new Int16Array(cap),
      pcb: new Int16Array(cap),
      duty: new Uint8Array(cap),
    };
    for (let k = 0; k < this.count; k++) {
      const i = this.at(k);
      n.timeS[k] = this.timeS[i] as number;
      n.hr[k] = this.hr[i] as number;
      n.power[k] = this.power[i] as number;
      n.chip[k] = this.chip[i] as number;
      n.pcb[k] = this.pcb[i] as number;
      n.duty[k] = this.duty[i] as number;
    }
    Object.assign(this, n);
    this.cap = cap;
    this.head = 0;
  }
}

/** Mutable firmware settings in the vendor's shape (`GET /settings` `miner`). */
export interface MinerSettings {
  cooling: {
    fan_min_count: number;
    fan_min_duty: number;
    fan_max_duty: number;
    mode: { name: 'auto' | 'manual'; param: number } | { name: 'immers' };
  };
  misc: Record<string, number | boolean | null>;
  overclock: {
    preset: string;
    globals: { freq: number; volt: number };
    modded_psu: boolean;
    chains: unknown[] | null;
    preset_switcher: {
      enabled: boolean;
      top_preset: string | null;
      min_preset: string | null;
      decrease_temp: number;
      rise_temp: number;
      check_time: number;
      autochange_top_preset: boolean;
      ignore_fan_speed: boolean;
      power_delta?: number;
    };
  };
  pools: { url: string; user: string; pass: string }[];
}

const TWO32 = 4294967296;

/** Parse a firmware version string into the generation whose shapes it serves. */
export function firmwareGen(version: string): FirmwareGen {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const [maj, min, patch] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [1, 2, 7];
  if (maj > 1 || min >= 3) return '1.3';
  if (min === 2 && patch >= 6) return '1.2.6';
  return '1.2.0';
}

/** One simulated miner. */
export class SimMiner {
  readonly index: number;
  readonly seed: number;
  readonly model: ModelSpec;
  readonly firmware: string;
  readonly gen: FirmwareGen;
  readonly brand: string;
  readonly presetsWrapped: boolean;
  readonly host: string;
  readonly mac: string;
  readonly serial: string;
  readonly buildUuid: string;
  readonly chipQ: Float32Array;
  readonly leakFactor: number;
  readonly rackOffsetC: number;
  readonly fanJitter: number[];
  readonly presets: PresetSpec[];
  private readonly cal: Cal;
  private readonly site: Site;
  readonly timing: Timing;

  password: string;
  settings: MinerSettings;
  network: {
    dhcp: boolean;
    dnsservers: string[];
    gateway: string;
    hostname: string;
    ipaddress: string;
    netmask: string;
  };
  pendingNetwork: MinerSettings['pools'] | null = null;
  ui: Record<string, unknown> = {
    locale: 'en',
    theme: 'dark',
    dark_side_pane: false,
    disable_animation: false,
  };
  regional = { timezone: { current: 'GMT' } };
  apiKeys = new Map<string, string>();
  notes = new Map<string, string>();
  tunedPresets = new Set<string>();

  // Dynamic state.
  t: number;
  /** Bumped on every change a response could show; responses are cached on it. */
  version = 0;
  state: MinerState = 'mining';
  stateSinceMs: number;
  stateEndMs = Infinity;
  description: string | null = null;
  failureCode: number | null = null;
  paused = false;
  /** Unreachable (rebooting) until this sim time. */
  downUntilMs = -Infinity;
  bootMs: number;
  runningPreset: string;
  inletC = 25;
  ambientC = 25;
  fanDuty = 60;
  fanRpm: number[];
  fanDead: boolean[];
  fanSlow: boolean[];
  chains: ChainDyn[];
  pools: PoolDyn[];
  activePool = 0;
  devfee = { accepted: 0, acc: 0, lastShareMs: 0 };
  hrGhs = 0;
  hrAvgGhs = 0;
  powerW = 0;
  bestShare = 0;
  foundBlocks = 0;
  restartCount = 0;
  private restartTimes: number[] = [];
  throttlePct = 100;
  private throttleTarget = 100;
  private throttleAtMs = 0;
  private psuScale = 1;
  overheatExtraC = 0;
  psuLimitW = Infinity;
  findMiner = false;
  locateUntilMs = 0;
  restartRequired = false;
  rebootRequired = false;
  private lastSwitchCheckMs = 0;
  private lowHrSinceMs: number | null = null;
  faults: FaultRecord[] = [];
  private faultSeq = 0;
  /** Counter of answered requests, drives the probability of network faults deterministically. */
  netSeq = 0;
  // Auth.
  private tokens = new Map<string, number>();
  private tokenSeq = 0;
  private unlockFails: number[] = [];
  lockedUntilMs = 0;
  // History.
  readonly metrics = new MetricRing();
  annotations: Annotation[] = [];
  statusLog: string[] = [];
  minerLog: string[] = [];
  autotuneLog: string[] = [];

  constructor(init: MinerInit) {
    this.index = init.index;
    this.seed = init.seed;
    this.model = init.model;
    this.firmware = init.firmware;
    this.gen = firmwareGen(init.firmware);
    this.brand = init.brand;
    this.presetsWrapped = init.presetsWrapped;
    this.host = init.host;
    this.mac = init.mac;
    this.site = init.site;
    this.timing = init.timing;
    this.password = init.password;
    this.cal = cal(init.model);
    this.presets = init.model.presets;

    const rng = new Rng(init.seed);
    const m = init.model;
    const n = m.chains * m.chipsPerChain;
    this.chipQ = new Float32Array(n);
    // Units differ: a unit-level offset plus chip-level spread (about 10-15 % across a board).
    const unitQ = rng.normal(1, 0.025);
    for (let c = 0; c < m.chains; c++) {
      const chainQ = unitQ + rng.normal(0, 0.012);
      for (let i = 0; i < m.chipsPerChain; i++) {
        this.chipQ[c * m.chipsPerChain + i] = Math.min(1.15, Math.max(0.82, chainQ + rng.normal(0, 0.022)));
      }
    }
    this.leakFactor = Math.min(1.2, Math.max(0.85, rng.normal(1, 0.05)));
    this.rackOffsetC = rng.normal(0, init.site.rackSpreadC);
    this.fanJitter = Array.from({ length: m.fans }, () => 1 + rng.normal(0, 0.015));
    this.serial = `${m.boardModel.slice(0, 4)}${(rng.u32() % 1e8).toString().padStart(8, '0')}`;
    this.buildUuid = [8, 4, 4, 4, 12]
      .map((len) => Array.from({ length: len }, () => '0123456789abcdef'[rng.int(16)]).join(''))
      .join('-');

    const stock = this.stockPreset();
    const preset = init.preset && this.presetByName(init.preset) ? init.preset : stock.name;
    this.runningPreset = preset;
    this.tunedPresets.add(preset);
    for (const p of this.presets) if (rng.next() < 0.2) this.tunedPresets.add(p.name);

    const mac4 = init.mac.replace(/:/g, '').slice(-4);
    this.network = {
      dhcp: true,
      dnsservers: ['192.168.1.1'],
      gateway: '192.168.1.1',
      hostname: `Antminer-${mac4}`,
      ipaddress: init.host,
      netmask: '255.255.255.0',
    };
    this.regional.timezone.current = init.site.timezone;
    this.ui.timezone = init.site.timezone;
    const fanMin = m.hydro ? 0 : Math.max(1, m.fans - 1);
    this.settings = {
      cooling: {
        fan_min_count: fanMin,
        fan_min_duty: 10,
        fan_max_duty: 100,
        mode: m.hydro ? { name: 'immers' } : { name: 'auto', param: init.fanTargetC },
      },
      misc: {
        asic_boost: true,
        restart_temp: 90,
        max_restart_attempts: 3,
        downscale_preset_on_failure: true,
        restart_hashrate: 0,
        min_operational_chains: 1,
        quiet_mode: false,
        quick_start: false,
        ignore_broken_sensors: false,
        disable_chain_break_protection: false,
        max_startup_delay_time: 0,
        tuner_bad_chip_hr_threshold: 50,
        ...(this.gen === '1.3'
          ? { power_limit: 0, power_limit_enabled: false, restore_miner_state_on_reboot: true }
          : { higher_volt_offset: 0, remain_stopped_on_reboot: false }),
      },
      overclock: {
        preset,
        globals: { freq: m.stockFreqMhz, volt: Math.round(m.stockVoltMv / 10) },
        modded_psu: false,
        chains: null,
        preset_switcher: {
          enabled: false,
          top_preset: null,
          min_preset: null,
          decrease_temp: 80,
          rise_temp: 60,
          check_time: 300,
          autochange_top_preset: false,
          ignore_fan_speed: false,
          ...(this.gen === '1.3' ? {} : { power_delta: 0 }),
        },
      },
      pools: [
        { url: 'stratum+tcp://btc.pool-a.example:3333', user: `farm.w${init.index}`, pass: 'x' },
        { url: 'stratum+tcp://btc.pool-b.example:443', user: `farm.w${init.index}`, pass: 'x' },
        { url: 'stratum+tcp://btc.pool-c.example:25', user: `farm.w${init.index}`, pass: 'x' },
      ],
    };
    this.pools = this.settings.pools.map((p, i) => this.newPool(p, i));
    this.fanRpm = new Array<number>(m.fans).fill(0);
    this.fanDead = new Array<boolean>(m.fans).fill(false);
    this.fanSlow = new Array<boolean>(m.fans).fill(false);
    this.chains = Array.from({ length: m.chains }, () => ({
      failed: false,
      failMsg: '',
      degradeStartMs: 0,
      degradeRampMs: 0,
      degradeOrder: null,
      chipC: 60,
      hrGhs: 0,
      idealGhs: 0,
      powerW: 0,
      freqMhz: 0,
      voltMv: 0,
      hwErrors: 0,
      errFrac: 0,
      orange: 0,
      red: 0,
      waterInC: 0,
      waterOutC: 0,
      tempOffsetC: rng.normal(0, 1.5),
      cacheF: -1,
      cacheV: -1,
      cacheTuned: false,
      cacheDeg: -1,
      cache: null,
    }));

    // The farm starts with miners that have been mining for a while.
    this.t = Math.floor((init.startMs - (init.historyS ?? 0) * 1000) / TICK_MS) * TICK_MS;
    const upS = 3600 + rng.int(9 * 86400);
    this.bootMs = this.t - upS * 1000;
    this.stateSinceMs = this.t - Math.floor(upS * (0.3 + 0.7 * rng.next())) * 1000;
    this.settle();
    for (const c of this.chains)
      c.hwErrors = Math.floor(((this.t - this.stateSinceMs) / 1000) * c.errFrac * 2);
    const upSinceStateS = (this.t - this.stateSinceMs) / 1000;
    const p0 = this.pools[0];
    if (p0) {
      const shares = (this.hrGhs * 1e9 * upSinceStateS) / (65536 * TWO32);
      p0.accepted = Math.floor(shares * 0.969);
      p0.rejected = Math.floor(shares * 0.003);
      p0.diffa = p0.accepted * 65536;
      p0.lastShareMs = this.t;
      this.devfee.accepted = Math.floor(shares * 0.028);
      this.bestShare = Math.floor(65536 * Math.max(1, shares) * (1 + rng.next()));
    }
    this.hrAvgGhs = this.hrGhs;
    this.log('status', 'INFO: Mining started');
  }

  private newPool(p: { url: string; user: string; pass: string }, i: number): PoolDyn {
    return {
      ...p,
      accepted: 0,
      rejected: 0,
      stale: 0,
      diffa: 0,
      acc: 0,
      lastShareMs: 0,
      fault: null,
      faultSinceMs: 0,
      pingMs: 20 + (hash32(this.seed, i, 0x9) % 60),
    };
  }

  // ---------------------------------------------------------------- presets

  /** The model's stock preset (ratio 1). */
  stockPreset(): PresetSpec {
    const i = this.model.presetRatios.indexOf(1);
    return this.presets[i >= 0 ? i : 0] as PresetSpec;
  }

  presetByName(name: string): PresetSpec | undefined {
    return this.presets.find((p) => p.name === name);
  }

  /** Frequency (MHz) and voltage (mV) the running preset asks for. */
  presetFV(name = this.runningPreset): { freqMhz: number; voltMv: number; tuned: boolean } {
    if (name === 'disabled') {
      const g = this.settings.overclock.globals;
      return { freqMhz: g.freq, voltMv: g.volt * 10, tuned: false };
    }
    const p = this.presetByName(name) ?? this.stockPreset();
    return { freqMhz: p.freqMhz, voltMv: p.voltMv, tuned: this.tunedPresets.has(p.name) };
  }

  // ---------------------------------------------------------------- lazy advance

  /** Bring physics up to sim time `now` (whole ticks only). */
  advanceTo(now: number): void {
    while (this.t + TICK_MS <= now) {
      this.t += TICK_MS;
      this.step(this.t);
    }
    // State timers are exact to the millisecond, not to the tick: a phase that has ended shows as ended.
    while (this.stateEndMs <= now && this.stateEndMs > this.t) this.onStateEnd(this.stateEndMs);
  }

  /** True while the miner is rebooting and answers nothing. */
  isDown(now: number): boolean {
    return now < this.downUntilMs;
  }

  private inStep = false;

  private step(t: number): void {
    this.inStep = true;
    this.version++;
    this.applyFaultSchedule(t);
    while (this.stateEndMs <= t) this.onStateEnd(this.stateEndMs);
    if (this.throttleTarget !== this.throttlePct && t >= this.throttleAtMs)
      this.throttlePct = this.throttleTarget;
    this.physics(t, TICK_MS / 1000, false);
    this.protections(t);
    if (t % METRIC_MS === 0) {
      let chip = 0;
      let pcb = 0;
      for (const c of this.chains) {
        chip = Math.max(chip, this.chipMaxOf(c));
        pcb = Math.max(pcb, this.pcbMaxOf(c));
      }
      this.metrics.push(t / 1000, this.hrGhs, Math.round(this.powerW), chip, pcb, Math.round(this.fanDuty));
    }
    this.inStep = false;
  }

  /** Run physics at the start time until temperatures settle (no time passes). */
  private settle(): void {
    for (let i = 0; i < 80; i++) this.physics(this.t, 60, true);
  }

  /** Whether the chains are powered and hashing. */
  hashing(): boolean {
    return (this.state === 'mining' || this.state === 'auto-tuning') && !this.paused;
  }

  private workAvailable(): boolean {
    return this.pools.some((p) => p.fault !== 'offline') && this.pools.length > 0;
  }

  private physics(t: number, dtS: number, settling: boolean): void {
    const m = this.model;
    const k = this.cal;
    this.ambientC = this.site.ambientC(t);
    this.inletC = m.hydro ? this.site.waterC(t) : this.ambientC + this.rackOffsetC + this.overheatExtraC;
    const hashing = this.hashing() && this.workAvailable();
    const warming = this.state === 'starting' || (this.hashing() && !hashing);
    const { freqMhz, voltMv, tuned } = this.presetFV();
    let scale = (this.gen === '1.3' ? this.throttlePct / 100 : 1) * this.psuScale;
    if (this.inletC > m.throttleInletC) scale *= Math.max(0.6, 1 - 0.06 * (this.inletC - m.throttleInletC));
    const f = Math.round(freqMhz * scale);
    const v = Math.round((voltMv / m.stockVoltMv) * 1000) / 1000;
    const tuning = this.state === 'auto-tuning';
    const tickNo = Math.floor(t / TICK_MS);
    const tuneP = tuning
      ? Math.min(1, Math.max(0, (t - this.stateSinceMs) / (this.timing.autotuneS * 1000)))
      : 1;
    let totalHr = 0;
    let totalW = CONTROL_W;
    let maxChainW = 0;
    for (let ci = 0; ci < this.chains.length; ci++) {
      const c = this.chains[ci] as ChainDyn;
      const degP = this.degradeProgress(c, t);
      if (degP >= 1 && !c.failed) this.failChain(ci, 'Chain failure: too many bad chips', t);
      if (c.failed || (!hashing && !warming)) {
        c.hrGhs = 0;
        c.idealGhs = c.failed ? 0 : k.kHash * m.chipsPerChain * f;
        c.powerW = 0;
        c.freqMhz = c.failed ? 0 : f;
        c.voltMv = c.failed ? 0 : voltMv;
        c.errFrac = 0;
        if (c.failed) {
          c.orange = 0;
          c.red = 0;
        }
      } else {
        const y = this.chainYield(ci, f, v, tuned || tuning, degP);
        const leak = k.cLeak * this.leakFactor * y.alive * v * v * Math.exp(LEAK_K * (c.chipC - CAL_CHIP_C));
        const dyn = k.cDyn * y.dynSum * v * v;
        c.idealGhs = k.kHash * y.alive * f;
        c.freqMhz = f;
        c.voltMv = voltMv;
        c.orange = y.orange;
        c.red = y.red;
        if (hashing) {
          let hr = k.kHash * y.hashSum;
          const jitter = settling ? 0 : noiseNormal(this.seed, tickNo, ci);
          if (tuning) hr *= 0.72 + 0.2 * tuneP + 0.05 * jitter;
          else hr *= 1 + 0.008 * jitter;
          c.hrGhs = Math.round(Math.max(0, hr) * 100) / 100;
          c.errFrac = tuning ? y.errFrac + 0.01 : y.errFrac;
          c.powerW = dyn + leak;
        } else {
          // Warming up or idle without work: powered but not hashing.
          c.hrGhs = 0;
          c.errFrac = 0;
          c.powerW = (dyn + leak) * 0.35;
        }
      }
      totalHr += c.hrGhs;
      totalW += c.powerW;
      maxChainW = Math.max(maxChainW, c.powerW);
    }

    // Fans: auto mode holds the chips at the target temperature.
    const nF = m.fans;
    let fanShare = 0;
    for (let i = 0; i < nF; i++) fanShare += this.fanDead[i] ? 0 : this.fanSlow[i] ? 0.4 : 1;
    const fanFactor = nF > 0 ? (fanShare / nF) ** 2 : 1;
    const mode = this.settings.cooling.mode;
    const minD = this.settings.cooling.fan_min_duty;
    const maxD = this.settings.cooling.fan_max_duty;
    if (m.hydro || mode.name === 'immers') {
      this.fanDuty = 0;
    } else if (mode.name === 'manual') {
      this.fanDuty = mode.param;
    } else if (this.state === 'restarting' && this.description === 'Cooling down') {
      this.fanDuty = maxD;
    } else {
      const target = mode.param;
      let want = minD;
      if (maxChainW > 0 && target > this.inletC + 1) {
        const aReq =
          (k.rthAir * k.calAirflow * maxChainW) / (target - this.inletC) / Math.max(0.05, fanFactor);
        want = ((aReq - 0.15) / 0.85) * 100;
      } else if (maxChainW > 0) want = maxD;
      let hottest = 0;
      for (const c of this.chains) if (!c.failed) hottest = Math.max(hottest, c.chipC);
      if (hottest > target + 3) want = Math.max(want, this.fanDuty + 10);
      want = Math.min(maxD, Math.max(minD, want));
      const stepMax = settling ? 100 : (6 * dtS) / 5;
      this.fanDuty += Math.max(-stepMax, Math.min(stepMax, want - this.fanDuty));
    }
    this.fanDuty = Math.round(this.fanDuty);
    for (let i = 0; i < nF; i++) {
      if (m.hydro || this.fanDead[i]) this.fanRpm[i] = 0;
      else {
        const base = m.maxFanRpm * (0.08 + (0.92 * this.fanDuty) / 100) * (this.fanJitter[i] ?? 1);
        const rpm = this.fanSlow[i] ? base * 0.4 : base;
        this.fanRpm[i] = Math.round(rpm / 30) * 30;
      }
    }
    totalW += fanPowerW(m, this.fanDuty) * (fanShare / Math.max(1, nF));

    // Temperatures relax towards the steady state of this power and airflow.
    const alpha = 1 - Math.exp(-dtS / 60);
    const air = airflow(this.fanDuty) * fanFactor;
    for (const c of this.chains) {
      let target: number;
      if (m.hydro) {
        c.waterInC = this.inletC;
        c.waterOutC = this.inletC + c.powerW / 180;
        target = this.inletC + c.powerW * k.rthWater + c.tempOffsetC * 0.5;
      } else if (mode.name === 'immers') {
        target = this.inletC + c.powerW * k.rthWater;
      } else {
        target = this.inletC + (c.powerW * k.rthAir * k.calAirflow) / Math.max(0.03, air) + c.tempOffsetC;
      }
      c.chipC += (target - c.chipC) * alpha;
    }

    // PSU: over its limit the firmware lowers frequency until it fits.
    const limit = Math.min(
      this.psuLimitW,
      this.gen === '1.3' &&
        this.settings.misc.power_limit_enabled &&
        Number(this.settings.misc.power_limit) > 0
        ? Number(this.settings.misc.power_limit)
        : Infinity,
    );
    if (dtS <= 0) {
      // A refresh between ticks changes nothing that integrates over time.
    } else if (totalW > limit && hashing)
      this.psuScale = Math.max(0.3, this.psuScale * Math.min(0.99, limit / totalW));
    else if (this.psuScale < 1 && totalW < limit * 0.95) this.psuScale = Math.min(1, this.psuScale * 1.01);

    this.hrGhs = Math.round(totalHr * 100) / 100;
    this.powerW = totalW;
    if (settling) return;
    const aEma = 1 - Math.exp(-dtS / 900);
    this.hrAvgGhs += (this.hrGhs - this.hrAvgGhs) * aEma;

    // Hardware errors and shares.
    for (const c of this.chains) {
      if (c.hrGhs > 0)
        c.hwErrors += Math.floor(c.errFrac * c.hrGhs * 0.02 * dtS + noise01(this.seed, tickNo, 77));
    }
    if (hashing && this.hrGhs > 0) this.shares(t, dtS, tickNo);
  }

  private shares(t: number, dtS: number, tickNo: number): void {
    this.pickActivePool(t);
    const pool = this.pools[this.activePool];
    if (!pool || pool.fault === 'offline') return;
    const diff = 65536;
    const n = (this.hrGhs * 1e9 * dtS) / (diff * TWO32);
    this.devfee.acc += n * 0.028;
    const df = Math.floor(this.devfee.acc);
    if (df > 0) {
      this.devfee.accepted += df;
      this.devfee.acc -= df;
      this.devfee.lastShareMs = t;
    }
    pool.acc += n * 0.972;
    const whole = Math.floor(pool.acc);
    if (whole <= 0) return;
    pool.acc -= whole;
    let rejRate = 0.003;
    if (pool.fault === 'rejecting')
      rejRate = Math.min(0.7, 0.05 + (0.25 * (t - pool.faultSinceMs)) / 3_600_000);
    let rej = 0;
    let stale = 0;
    for (let i = 0; i < whole; i++) {
      const u = noise01(this.seed, tickNo, i, 0x5a);
      if (u < rejRate) rej++;
      else if (u < rejRate + 0.001) stale++;
    }
    pool.accepted += whole - rej - stale;
    pool.rejected += rej;
    pool.stale += stale;
    pool.diffa += (whole - rej - stale) * diff;
    pool.lastShareMs = t;
    const best = Math.floor(
      (diff / Math.max(1e-9, noise01(this.seed, tickNo, 0xbe))) * Math.min(1, whole / 4),
    );
    if (best > this.bestShare) this.bestShare = best;
  }

  private pickActivePool(t: number): void {
    // cgminer fails over to the next pool a minute after losing the current one, and back when it returns.
    for (let i = 0; i < this.pools.length; i++) {
      const p = this.pools[i] as PoolDyn;
      const dead = p.fault === 'offline' && t - p.faultSinceMs >= 60_000;
      if (!dead) {
        if (i !== this.activePool) this.log('status', `INFO: Switching to pool #${i} ${p.url}`, t);
        this.activePool = i;
        return;
      }
    }
  }

  private degradeProgress(c: ChainDyn, t: number): number {
    if (c.degradeRampMs <= 0 || t < c.degradeStartMs) return 0;
    return Math.min(1, Math.floor(((t - c.degradeStartMs) / c.degradeRampMs) * 200) / 200);
  }

  private degradeOf(c: ChainDyn, ci: number): Float32Array | null {
    const p = c.degradeRampMs > 0 ? this.degradeProgress(c, this.t) : 0;
    if (p <= 0) return null;
    const n = this.model.chipsPerChain;
    if (!c.degradeOrder) c.degradeOrder = this.worstFirst(ci);
    const dmg = new Float32Array(n);
    const nAff = Math.max(1, Math.round(n * 0.25));
    for (let j = 0; j < nAff; j++) {
      const d = Math.min(1, Math.max(0, p * 1.6 - j / nAff));
      dmg[c.degradeOrder[j] as number] = d;
    }
    return dmg;
  }

  private worstFirst(ci: number): Uint16Array {
    const n = this.model.chipsPerChain;
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => (this.chipQ[ci * n + a] as number) - (this.chipQ[ci * n + b] as number));
    return Uint16Array.from(idx);
  }

  /** Sum over a chain's chips of frequency x yield, given chip quality and voltage. Cached per setting. */
  private chainYield(ci: number, f: number, v: number, tuned: boolean, degP: number): ChainYield {
    const c = this.chains[ci] as ChainDyn;
    if (c.cache && c.cacheF === f && c.cacheV === v && c.cacheTuned === tuned && c.cacheDeg === degP)
      return c.cache;
    const r = this.computeYield(ci, f, v, tuned, null);
    c.cacheF = f;
    c.cacheV = v;
    c.cacheTuned = tuned;
    c.cacheDeg = degP;
    c.cache = r;
    return r;
  }

  /** Per-chip detail (frequency, yield, grade), shared by the aggregate and `/chains`. */
  computeYield(
    ci: number,
    f: number,
    v: number,
    tuned: boolean,
    perChip: { freq: Float32Array; hr: Float32Array; err: Float32Array; grade: Uint8Array } | null,
  ): ChainYield {
    const m = this.model;
    const n = m.chipsPerChain;
    const base = ci * n;
    const c = this.chains[ci] as ChainDyn;
    const dmg = this.degradeOf(c, ci);
    const fRef = FREQ_MARGIN * m.stockFreqMhz * v ** VOLT_EXP;
    let hashSum = 0;
    let dynSum = 0;
    let errSum = 0;
    let orange = 0;
    let red = 0;
    for (let i = 0; i < n; i++) {
      const q = this.chipQ[base + i] as number;
      const d = dmg ? (dmg[i] as number) : 0;
      const fmax = fRef * q * (1 - 0.5 * d);
      let fi: number;
      let yi: number;
      let err: number;
      if (tuned) {
        fi = Math.min(f * 1.03, fmax * 0.97);
        yi = 1;
        err = 0.0004;
      } else {
        fi = f;
        const ratio = f / fmax;
        yi = ratio <= 1 ? 1 : Math.max(0, 1 - 4 * (ratio - 1));
        err = 0.0004 + Math.max(0, ratio - 1) * 0.5;
      }
      err += d * 0.05;
      const h = fi * yi * (1 - 0.6 * d);
      hashSum += h;
      dynSum += fi * (1.25 - 0.25 * q);
      errSum += err;
      const grade = d > 0.6 ? 2 : d > 0.2 ? 1 : 0;
      if (grade === 2) red++;
      else if (grade === 1) orange++;
      if (perChip) {
        perChip.freq[i] = fi;
        perChip.hr[i] = h * this.cal.kHash;
        perChip.err[i] = err;
        perChip.grade[i] = grade;
      }
    }
    return { hashSum, dynSum, errFrac: errSum / n, orange, red, alive: n };
  }

  // ---------------------------------------------------------------- state machine

  private goto(state: MinerState, durS: number | null, t: number, description: string | null = null): void {
    this.state = state;
    this.stateSinceMs = t;
    this.stateEndMs = durS === null ? Infinity : t + durS * 1000;
    this.description = description;
    this.failureCode = null;
    this.version++;
    // An action between ticks shows at once (no hashrate while restarting), without moving time.
    if (!this.inStep) this.physics(this.t, 0, false);
  }

  private onStateEnd(t: number): void {
    switch (this.state) {
      case 'initializing':
      case 'restarting':
        this.goto('starting', this.timing.startS, t);
        this.log('status', 'INFO: Starting mining', t);
        break;
      case 'starting': {
        const fv = this.presetFV();
        if (!fv.tuned && this.runningPreset !== 'disabled') {
          this.goto('auto-tuning', this.timing.autotuneS, t);
          this.log('status', `INFO: Auto-tuning preset ${this.runningPreset}`, t);
          this.log('autotune', `INFO: Tuning started for preset ${this.runningPreset}`, t);
        } else {
          this.goto('mining', null, t);
          this.annotate(t, 'start');
          this.log('status', 'INFO: Mining started', t);
        }
        this.resetCounters();
        break;
      }
      case 'auto-tuning':
        this.tunedPresets.add(this.runningPreset);
        this.goto('mining', null, t);
        this.annotate(t, 'start');
        this.log('autotune', `INFO: Tuning finished for preset ${this.runningPreset}`, t);
        this.log('status', 'INFO: Mining started', t);
        break;
      case 'shutting-down':
        this.goto('stopped', null, t);
        this.log('status', 'INFO: Mining stopped', t);
        break;
      default:
        this.stateEndMs = Infinity;
    }
  }

  private resetCounters(): void {
    for (const p of this.pools) {
      p.accepted = 0;
      p.rejected = 0;
      p.stale = 0;
      p.diffa = 0;
      p.acc = 0;
    }
    this.devfee.accepted = 0;
    for (const c of this.chains) c.hwErrors = 0;
    this.hrAvgGhs = 0;
  }

  private protections(t: number): void {
    if (!this.hashing() && this.state !== 'starting') return;
    const m = this.model;
    const misc = this.settings.misc;
    let hottest = 0;
    for (const c of this.chains) if (!c.failed) hottest = Math.max(hottest, this.chipMaxOf(c));
    if (this.inletC >= m.shutdownInletC) {
      this.annotate(t, 'overheat');
      this.log('status', `WARN: Inlet temperature ${this.inletC.toFixed(1)} C too high, mining stopped`, t);
      this.goto('failure', null, t, 'Ambient temperature is too high');
      this.failureCode = 2002;
      return;
    }
    const restartTemp = Number(misc.restart_temp ?? 90);
    if (hottest >= restartTemp) {
      this.annotate(t, 'overheat');
      this.restartTimes = this.restartTimes.filter((x) => t - x < 3_600_000);
      this.restartTimes.push(t);
      this.restartCount++;
      const maxAttempts = Number(misc.max_restart_attempts ?? 3);
      this.log('status', `WARN: Chip temperature ${hottest} C reached ${restartTemp} C`, t);
      if (this.restartTimes.length > maxAttempts) {
        this.log('status', 'ERROR: Too many restarts, mining stopped', t);
        this.goto('failure', null, t, 'Overheat: too many restart attempts');
        this.failureCode = 2001;
        return;
      }
      if (misc.downscale_preset_on_failure) this.downscalePreset(t);
      this.log('status', `INFO: Restarting (${this.restartTimes.length} of ${maxAttempts}) - overheat`, t);
      this.goto('restarting', Math.max(60, this.timing.restartS), t, 'Cooling down');
      return;
    }
    if (!m.hydro) {
      let lost = 0;
      for (const d of this.fanDead) if (d) lost++;
      if (
        m.fans - lost < this.settings.cooling.fan_min_count &&
        this.settings.cooling.mode.name !== 'immers'
      ) {
        this.log(
          'status',
          `ERROR: Not enough fans (${m.fans - lost} of ${this.settings.cooling.fan_min_count})`,
          t,
        );
        this.goto('failure', null, t, 'Fan failure: not enough working fans');
        this.failureCode = 2003;
        return;
      }
    }
    let working = 0;
    for (const c of this.chains) if (!c.failed) working++;
    if (working < Number(misc.min_operational_chains ?? 1) || working === 0) {
      this.goto('failure', null, t, 'Not enough operational chains');
      this.failureCode = 2004;
      this.log('status', 'ERROR: Not enough operational chains', t);
      return;
    }
    // restart_hashrate: a miner that stays under this share of its nominal hashrate for 5 minutes restarts.
    const minPct = Number(misc.restart_hashrate ?? 0);
    // Against the whole unit's nominal: a dead chain counts as lost hashrate.
    const nominal =
      this.cal.kHash *
      this.model.chains *
      this.model.chipsPerChain *
      this.presetFV().freqMhz *
      (this.gen === '1.3' ? this.throttlePct / 100 : 1);
    if (this.state === 'mining' && minPct > 0 && nominal > 0 && (this.hrGhs / nominal) * 100 < minPct) {
      if (this.lowHrSinceMs === null) this.lowHrSinceMs = t;
      else if (t - this.lowHrSinceMs >= 300_000) {
        this.lowHrSinceMs = null;
        this.restartTimes = this.restartTimes.filter((x) => t - x < 3_600_000);
        this.restartTimes.push(t);
        this.restartCount++;
        if (this.restartTimes.length > Number(misc.max_restart_attempts ?? 3)) {
          this.log('status', 'ERROR: Too many restarts, mining stopped', t);
          this.goto('failure', null, t, 'Low hashrate: too many restart attempts');
          this.failureCode = 2005;
          return;
        }
        this.annotate(t, 'restart');
        this.log('status', `INFO: Restarting (${this.restartTimes.length}) - hashrate below ${minPct}%`, t);
        this.goto('restarting', this.timing.restartS, t);
        return;
      }
    } else this.lowHrSinceMs = null;
    this.presetSwitcher(t, hottest);
  }

  private presetSwitcher(t: number, hottest: number): void {
    const ps = this.settings.overclock.preset_switcher;
    if (!ps.enabled || this.state !== 'mining' || this.runningPreset === 'disabled') return;
    if (t - this.lastSwitchCheckMs < ps.check_time * 1000) return;
    this.lastSwitchCheckMs = t;
    const idx = this.presets.findIndex((p) => p.name === this.runningPreset);
    const minIdx = Math.max(
      0,
      this.presets.findIndex((p) => p.name === ps.min_preset),
    );
    let topIdx = this.presets.findIndex((p) => p.name === (ps.top_preset ?? this.settings.overclock.preset));
    if (topIdx < 0) topIdx = idx;
    let next = idx;
    if (hottest > ps.decrease_temp && idx > minIdx) next = idx - 1;
    else if (hottest < ps.rise_temp && idx < topIdx) next = idx + 1;
    if (next !== idx) {
      const p = this.presets[next] as PresetSpec;
      this.log('status', `INFO: Preset switcher: ${this.runningPreset} -> ${p.name}`, t);
      this.runningPreset = p.name;
      this.annotate(t, 'restart');
      this.goto('restarting', this.timing.restartS, t);
    }
  }

  private downscalePreset(t: number): void {
    const idx = this.presets.findIndex((p) => p.name === this.runningPreset);
    if (idx > 0) {
      const p = this.presets[idx - 1] as PresetSpec;
      this.log('status', `INFO: Downscaling preset ${this.runningPreset} -> ${p.name}`, t);
      this.runningPreset = p.name;
      this.settings.overclock.preset = p.name;
    }
  }

  private failChain(ci: number, msg: string, t: number): void {
    const c = this.chains[ci] as ChainDyn;
    if (c.failed) return;
    c.failed = true;
    c.failMsg = msg;
    c.hrGhs = 0;
    c.powerW = 0;
    this.annotate(t, this.gen === '1.3' ? 'disable_board' : 'disable_chain', ci);
    this.log('status', `ERROR: chain#${ci + 1} - ${msg}`, t);
    this.log('miner', `ERROR: chain#${ci + 1} - ${msg}`, t);
    this.version++;
  }

  // ---------------------------------------------------------------- actions

  /** `POST /mining/restart` (also used after a preset change). */
  restart(t: number, why = 'restart requested'): void {
    if (
      this.state === 'failure' ||
      this.state === 'stopped' ||
      this.hashing() ||
      this.state === 'starting' ||
      this.state === 'auto-tuning' ||
      this.state === 'restarting' ||
      this.state === 'initializing'
    ) {
      this.annotate(t, 'restart');
      this.log('status', `INFO: Restarting - ${why}`, t);
      this.paused = false;
      this.goto('restarting', this.timing.restartS, t);
    }
  }

  stop(t: number): void {
    if (this.state === 'stopped' || this.state === 'shutting-down') return;
    this.annotate(t, 'stop');
    this.paused = false;
    this.log('status', 'INFO: Stopping mining', t);
    this.goto('shutting-down', 5, t);
  }

  start(t: number): void {
    if (this.state === 'stopped' || this.state === 'failure') {
      this.paused = false;
      this.restartTimes = [];
      this.log('status', 'INFO: Starting mining', t);
      this.goto('starting', this.timing.startS, t);
    } else if (this.paused) this.resume(t);
  }

  pause(t: number): void {
    if (!this.hashing())
      throw new SimHttpError(500, 'CGMiner err: Cgminer error failed-to-activate-pause-mode ');
    this.paused = true;
    this.log('status', 'INFO: Mining paused', t);
    this.goto('stopped', null, t, 'Paused');
  }

  resume(t: number): void {
    if (!this.paused)
      throw new SimHttpError(500, 'CGMiner err: Cgminer error failed-to-activate-resume-mode ');
    this.paused = false;
    this.log('status', 'INFO: Mining resumed', t);
    this.goto('mining', null, t);
  }

  /** `POST /system/reboot` and the control API: unreachable for a while, every token dies. */
  reboot(t: number): void {
    this.annotate(t, 'reboot');
    this.log('status', 'INFO: Rebooting', t);
    this.tokens.clear();
    this.paused = false;
    this.findMiner = false;
    this.downUntilMs = t + this.timing.rebootDownS * 1000;
    this.bootMs = this.downUntilMs;
    this.restartRequired = false;
    this.rebootRequired = false;
    if (this.pendingNetwork) this.pendingNetwork = null;
    this.resetCounters();
    this.goto('initializing', this.timing.rebootDownS + this.timing.initS, t);
    this.stateSinceMs = this.downUntilMs;
  }

  switchPool(id: number, t: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.pools.length)
      throw new SimHttpError(500, 'Could not find pool');
    const p = this.pools.splice(id, 1)[0] as PoolDyn;
    this.pools.unshift(p);
    const cfg = this.settings.pools.splice(id, 1)[0];
    if (cfg) this.settings.pools.unshift(cfg);
    this.activePool = 0;
    this.log('status', `INFO: Switching to pool ${p.url}`, t);
    this.version++;
  }

  throttle(percent: number, t: number): void {
    if (!Number.isInteger(percent) || percent < 20 || percent > 100)
      throw new SimHttpError(500, 'Throttle percent must be 20-100');
    this.throttleTarget = percent;
    this.throttleAtMs = t + 80_000;
    this.log('status', `INFO: Throttle set to ${percent}%`, t);
  }

  /** Partial-merge `POST /settings`; answers `{restart_required, reboot_required}`. */
  applySettings(body: unknown, t: number): { restart_required: boolean; reboot_required: boolean } {
    if (!isObj(body)) throw new SimHttpError(400, 'Json deserialize error: expected an object');
    let restart = false;
    let reboot = false;
    const miner = body.miner;
    if (isObj(miner)) {
      const oc = miner.overclock;
      if (isObj(oc)) {
        if (oc.preset !== undefined && oc.preset !== null) {
          const name = String(oc.preset);
          if (name !== 'disabled' && !this.presetByName(name))
            throw new SimHttpError(500, `Unknown preset: ${name}`);
          const p = this.presetByName(name);
          if (p?.moddedPsuRequired && !(oc.modded_psu ?? this.settings.overclock.modded_psu))
            throw new SimHttpError(500, `Preset ${name} requires a modded PSU`);
          if (name !== this.settings.overclock.preset || name !== this.runningPreset) restart = true;
          this.settings.overclock.preset = name;
        }
        if (isObj(oc.globals)) {
          const g = oc.globals;
          const ov = this.overclockLimits();
          const freq = g.freq ?? this.settings.overclock.globals.freq;
          const volt = g.volt ?? this.settings.overclock.globals.volt;
          if (typeof freq !== 'number' || freq < ov.min_freq || freq > ov.max_freq)
            throw new SimHttpError(500, 'Frequency out of range');
          if (typeof volt !== 'number' || volt < ov.min_voltage || volt > ov.max_voltage)
            throw new SimHttpError(500, 'Voltage out of range');
          if (
            freq !== this.settings.overclock.globals.freq ||
            volt !== this.settings.overclock.globals.volt
          ) {
            this.settings.overclock.globals = { freq, volt };
            if (this.settings.overclock.preset === 'disabled') restart = true;
          }
        }
        if (typeof oc.modded_psu === 'boolean') this.settings.overclock.modded_psu = oc.modded_psu;
        if (oc.chains !== undefined)
          this.settings.overclock.chains = Array.isArray(oc.chains) ? oc.chains : null;
        if (isObj(oc.preset_switcher)) {
          for (const [k, v] of Object.entries(oc.preset_switcher))
            if (k in this.settings.overclock.preset_switcher || k === 'power_delta')
              (this.settings.overclock.preset_switcher as Record<string, unknown>)[k] = v;
        }
      }
      const cool = miner.cooling;
      if (isObj(cool)) {
        for (const k of ['fan_min_count', 'fan_min_duty', 'fan_max_duty'] as const) {
          const v = cool[k];
          if (v !== undefined && v !== null) {
            if (typeof v !== 'number' || v < 0 || (k !== 'fan_min_count' && v > 100))
              throw new SimHttpError(500, `Invalid ${k}`);
            this.settings.cooling[k] = v;
          }
        }
        if (isObj(cool.mode)) {
          const name = cool.mode.name === 'immersion' ? 'immers' : cool.mode.name;
          const param = typeof cool.mode.param === 'number' ? cool.mode.param : undefined;
          if (name === 'immers') this.settings.cooling.mode = { name: 'immers' };
          else if (name === 'auto' || name === 'manual') {
            const prev = this.settings.cooling.mode;
            const fallback = 'param' in prev ? prev.param : name === 'auto' ? 70 : 60;
            this.settings.cooling.mode = { name, param: param ?? fallback };
          } else throw new SimHttpError(500, 'Unknown cooling mode');
        }
      }
      const misc = miner.misc;
      if (isObj(misc)) {
        for (const [k, v] of Object.entries(misc)) {
          if (k === 'restart_temp' && typeof v === 'number' && this.gen === '1.3' && (v < 50 || v > 120))
            throw new SimHttpError(500, 'restart_temp out of range');
          this.settings.misc[k] = v as number | boolean | null;
        }
      }
      if (Array.isArray(miner.pools)) {
        if (miner.pools.length > 3) throw new SimHttpError(500, 'At most 3 pools');
        const pools = miner.pools.map((p) =>
          isObj(p)
            ? { url: String(p.url ?? ''), user: String(p.user ?? ''), pass: String(p.pass ?? '') }
            : { url: '', user: '', pass: '' },
        );
        const changed = JSON.stringify(pools) !== JSON.stringify(this.settings.pools);
        if (changed) {
          this.settings.pools = pools;
          this.pools = pools.map((p, i) => this.newPool(p, i));
          this.activePool = 0;
          restart = true;
        }
      }
    }
    if (isObj(body.network)) {
      const before = JSON.stringify(this.network);
      Object.assign(this.network, body.network);
      if (JSON.stringify(this.network) !== before) reboot = true;
    }
    if (isObj(body.password)) {
      const { current, pw } = body.password;
      if (current !== this.password) throw new SimHttpError(500, 'Wrong current password');
      if (typeof pw !== 'string' || pw.length === 0) throw new SimHttpError(500, 'Invalid password');
      this.password = pw;
    }
    if (isObj(body.ui)) Object.assign(this.ui, body.ui);
    if (
      isObj(body.regional) &&
      isObj(body.regional.timezone) &&
      typeof body.regional.timezone.current === 'string'
    )
      this.regional.timezone.current = body.regional.timezone.current;
    if (restart) {
      this.runningPreset = this.settings.overclock.preset;
      this.restart(t, 'settings changed');
    }
    if (reboot) this.rebootRequired = true;
    this.version++;
    return { restart_required: restart, reboot_required: reboot };
  }

  /** `/model` overclock limits (voltages in 10 mV units). */
  overclockLimits(): {
    default_freq: number;
    default_voltage: number;
    max_freq: number;
    max_voltage: number;
    max_voltage_stock_psu: number;
    min_freq: number;
    min_voltage: number;
    warn_freq: number;
  } {
    const m = this.model;
    const volts = this.presets.map((p) => p.voltMv / 10);
    const maxV = Math.round(Math.max(...volts) * 1.03);
    return {
      default_freq: m.stockFreqMhz,
      default_voltage: Math.round(m.stockVoltMv / 10),
      max_freq: Math.round(Math.max(...this.presets.map((p) => p.freqMhz)) * 1.15),
      max_voltage: maxV,
      max_voltage_stock_psu: Math.round(
        Math.max(...this.presets.filter((p) => !p.moddedPsuRequired).map((p) => p.voltMv / 10)),
      ),
      min_freq: 50,
      min_voltage: Math.round(Math.min(...volts) * 0.97),
      warn_freq: Math.round(m.stockFreqMhz * 1.15),
    };
  }

  // ---------------------------------------------------------------- auth

  /** Try a password: a token, or 403 / 429 with the lockout. */
  unlock(
    pw: unknown,
    t: number,
  ): { status: 200; token: string } | { status: 403 | 429; unlockTimeoutS: number | null } {
    if (t < this.lockedUntilMs)
      return { status: 429, unlockTimeoutS: Math.ceil((this.lockedUntilMs - t) / 1000) };
    if (pw === this.password) {
      this.unlockFails = [];
      const token = makeToken(this.seed, ++this.tokenSeq);
      if (this.tokens.size >= 64) this.tokens.delete(this.tokens.keys().next().value as string);
      this.tokens.set(token, t);
      return { status: 200, token };
    }
    this.unlockFails = this.unlockFails.filter((x) => t - x < 60_000);
    this.unlockFails.push(t);
    this.log('messages', `authpriv.warn api: Bad password attempt`, t);
    if (this.unlockFails.length >= 5) {
      this.lockedUntilMs = t + 60_000;
      this.unlockFails = [];
      return { status: 429, unlockTimeoutS: 60 };
    }
    return { status: 403, unlockTimeoutS: null };
  }

  /** Whether a token is valid now (reboots and `token-expiry` faults kill tokens). */
  tokenValid(token: string, t: number): boolean {
    const issued = this.tokens.get(token);
    if (issued === undefined) return false;
    for (const f of this.faults) {
      if (!f.active || f.spec.type !== 'token-expiry') continue;
      const ttlMs = (f.spec.ttlS ?? 0) * 1000;
      if (ttlMs > 0 && t - issued >= ttlMs) {
        this.tokens.delete(token);
        return false;
      }
    }
    return true;
  }

  lock(token: string): void {
    this.tokens.delete(token);
  }

  unlockTimeoutS(t: number): number | null {
    return t < this.lockedUntilMs ? Math.ceil((this.lockedUntilMs - t) / 1000) : null;
  }

  // ---------------------------------------------------------------- faults

  /** Schedule a fault `atS` after `t` (the scenario start, or now). */
  addFault(spec: FaultSpec, t: number): FaultRecord {
    const startMs = t + Math.max(0, spec.atS ?? 0) * 1000;
    const rec: FaultRecord = {
      id: ++this.faultSeq,
      spec,
      startMs,
      endMs: spec.durationS !== undefined ? startMs + spec.durationS * 1000 : null,
      active: false,
    };
    this.faults.push(rec);
    // A fault due now takes effect now, not at the next tick.
    // (Only when physics is current: a scenario fault during pre-start history waits for its tick.)
    if (startMs <= t && t - this.t < TICK_MS && (rec.endMs === null || t < rec.endMs))
      this.activate(rec, startMs);
    this.version++;
    return rec;
  }

  /** Remove every fault and repair what they broke. */
  clearFaults(): void {
    for (const f of this.faults) if (f.active) this.deactivate(f, this.t);
    this.faults = [];
    this.version++;
  }

  /** Active network fault of a kind, if any, at sim time `t`. */
  netFault(t: number): FaultRecord[] {
    const out: FaultRecord[] = [];
    for (const f of this.faults) {
      const ty = f.spec.type;
      if (
        (ty === 'net-slow' ||
          ty === 'net-timeout' ||
          ty === 'net-reset' ||
          ty === 'http-500' ||
          ty === 'malformed-json') &&
        t >= f.startMs &&
        (f.endMs === null || t < f.endMs)
      )
        out.push(f);
    }
    return out;
  }

  private applyFaultSchedule(t: number): void {
    for (const f of this.faults) {
      if (!f.active && f.startMs <= t && (f.endMs === null || t < f.endMs))
        this.activate(f, Math.max(f.startMs, t - TICK_MS + 1));
      else if (f.active && f.endMs !== null && t >= f.endMs) this.deactivate(f, t);
    }
  }

  private activate(f: FaultRecord, t: number): void {
    f.active = true;
    const s = f.spec;
    const m = this.model;
    switch (s.type) {
      case 'fan': {
        const i = clampIdx(s.fan ?? 0, m.fans);
        if (s.mode === 'slow') this.fanSlow[i] = true;
        else {
          this.fanDead[i] = true;
          this.log('miner', `ERROR: fan#${i + 1} - lost`, t);
        }
        break;
      }
      case 'chain':
        this.failChain(clampIdx(s.chain ?? 0, m.chains), 'Chain failure: no response from chips', t);
        break;
      case 'chip-degradation': {
        const c = this.chains[clampIdx(s.chain ?? 0, m.chains)] as ChainDyn;
        c.degradeStartMs = f.startMs;
        c.degradeRampMs = (s.rampS ?? 6 * 3600) * 1000;
        break;
      }
      case 'pool': {
        const p = this.pools[clampIdx(s.pool ?? 0, this.pools.length)];
        if (p) {
          p.fault = s.mode ?? 'offline';
          p.faultSinceMs = f.startMs;
          this.log('status', `WARN: Pool ${p.url} ${p.fault}`, t);
        }
        break;
      }
      case 'overheat':
        this.overheatExtraC += s.extraC ?? 15;
        break;
      case 'token-expiry':
        if ((s.ttlS ?? 0) === 0) this.tokens.clear();
        break;
      case 'psu-limit':
        this.psuLimitW = Math.min(this.psuLimitW, s.maxW ?? Math.round(m.stockPowerW * 0.7));
        this.log('miner', `WARN: PSU power limit ${this.psuLimitW} W`, t);
        break;
      default:
        break;
    }
    this.version++;
  }

  private deactivate(f: FaultRecord, _t: number): void {
    f.active = false;
    const s = f.spec;
    const m = this.model;
    switch (s.type) {
      case 'fan': {
        const i = clampIdx(s.fan ?? 0, m.fans);
        this.fanDead[i] = false;
        this.fanSlow[i] = false;
        break;
      }
      case 'chain':
      case 'chip-degradation': {
        const c = this.chains[clampIdx(s.chain ?? 0, m.chains)] as ChainDyn;
        c.failed = false;
        c.degradeRampMs = 0;
        c.degradeOrder = null;
        c.cache = null;
        break;
      }
      case 'pool': {
        const p = this.pools[clampIdx(s.pool ?? 0, this.pools.length)];
        if (p) p.fault = null;
        break;
      }
      case 'overheat':
        this.overheatExtraC = Math.max(0, this.overheatExtraC - (s.extraC ?? 15));
        break;
      case 'psu-limit':
        this.psuLimitW = Infinity;
        break;
      default:
        break;
    }
    this.version++;
  }

  // ---------------------------------------------------------------- derived values

  chipMaxOf(c: ChainDyn): number {
    if (c.failed) return 0;
    return Math.round(c.chipC + 4);
  }
  chipMinOf(c: ChainDyn): number {
    if (c.failed) return 0;
    return Math.round(c.chipC - 6 - c.powerW / 400);
  }
  pcbMaxOf(c: ChainDyn): number {
    if (c.failed) return 0;
    return Math.round(this.inletC + (c.chipC + 4 - this.inletC) * 0.8);
  }
  pcbMinOf(c: ChainDyn): number {
    if (c.failed) return 0;
    return Math.round(this.inletC + (c.chipC - this.inletC) * 0.6);
  }

  /** Nominal hashrate of the running preset on this unit, GH/s. */
  nominalGhs(): number {
    let s = 0;
    for (const c of this.chains) s += c.idealGhs;
    return Math.round(s * 100) / 100;
  }

  /** Steady-state outcome of every preset on this unit at the current inlet temperature. */
  presetTruths(electricityUsdPerKwh: number, hashpriceUsdPerThDay: number): PresetTruth[] {
    const m = this.model;
    const k = this.cal;
    const target = this.settings.cooling.mode.name === 'auto' ? this.settings.cooling.mode.param : 70;
    return this.presets.map((p) => {
      const v = p.voltMv / m.stockVoltMv;
      let hr = 0;
      let dynW = 0;
      let alive = 0;
      for (let ci = 0; ci < m.chains; ci++) {
        const c = this.chains[ci] as ChainDyn;
        if (c.failed) continue;
        const y = this.computeYield(ci, p.freqMhz, v, true, null);
        hr += k.kHash * y.hashSum;
        dynW += k.cDyn * y.dynSum * v * v;
        alive += y.alive;
      }
      const nWorking = Math.max(1, this.chains.filter((c) => !c.failed).length);
      let chipC = target;
      let powerW = 0;
      let duty = 60;
      const fanShare = this.fanDead.filter((d) => !d).length / Math.max(1, m.fans);
      for (let it = 0; it < 30; it++) {
        const leak = k.cLeak * this.leakFactor * alive * v * v * Math.exp(LEAK_K * (chipC - CAL_CHIP_C));
        const chainW = (dynW + leak) / nWorking;
        if (m.hydro) {
          duty = 0;
          chipC = this.inletC + chainW * k.rthWater;
        } else {
          const ff = Math.max(0.05, fanShare ** 2);
          const aReq = (k.rthAir * k.calAirflow * chainW) / Math.max(1, target - this.inletC) / ff;
          duty = Math.min(100, Math.max(10, ((aReq - 0.15) / 0.85) * 100));
          chipC = this.inletC + (chainW * k.rthAir * k.calAirflow) / (airflow(duty) * ff);
        }
        powerW = dynW + leak + CONTROL_W + fanPowerW(m, duty) * fanShare;
      }
      const ths = hr / 1000;
      const profit = ths * hashpriceUsdPerThDay - (powerW / 1000) * 24 * electricityUsdPerKwh;
      return {
        name: p.name,
        pretty: p.pretty,
        ths: round(ths, 2),
        powerW: Math.round(powerW),
        jth: round(powerW / Math.max(1e-9, ths), 2),
        chipTempC: round(chipC + 4, 1),
        profitUsdPerDay: round(profit, 3),
      };
    });
  }

  /** Mean and spread of chip quality per chain. */
  qualityStats(): { unit: number; chains: number[]; spreads: number[] } {
    const n = this.model.chipsPerChain;
    const chains: number[] = [];
    const spreads: number[] = [];
    let total = 0;
    for (let c = 0; c < this.model.chains; c++) {
      let s = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const q = this.chipQ[c * n + i] as number;
        s += q;
        lo = Math.min(lo, q);
        hi = Math.max(hi, q);
      }
      chains.push(round(s / n, 4));
      spreads.push(round(hi / lo - 1, 4));
      total += s;
    }
    return { unit: round(total / (n * this.model.chains), 4), chains, spreads };
  }

  // ---------------------------------------------------------------- logs

  annotate(t: number, type: string, chain?: number): void {
    this.annotations.push(
      chain === undefined
        ? { timeS: Math.floor(t / 1000), type }
        : { timeS: Math.floor(t / 1000), type, chain },
    );
    if (this.annotations.length > 200) this.annotations.shift();
  }

  log(kind: 'status' | 'miner' | 'autotune' | 'messages', text: string, t = this.t): void {
    const d = new Date(t);
    const p2 = (x: number) => String(x).padStart(2, '0');
    const stamp = `[${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}]`;
    const list =
      kind === 'status'
        ? this.statusLog
        : kind === 'miner'
          ? this.minerLog
          : kind === 'autotune'
            ? this.autotuneLog
            : this.minerLog;
    list.push(`${stamp} ${text}`);
    if (list.length > 300) list.shift();
  }
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function clampIdx(i: number, n: number): number {
  return Math.max(0, Math.min(n - 1, Math.floor(i)));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
