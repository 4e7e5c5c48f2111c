/**
 * Types of the simulator's public surface: faults, ground truth and scenario files.
 *
 * Kept apart from the implementation so the farm, the control API and the scenario loader share one
 * definition of what a fault is.
 */

/** Firmware generations whose API shapes differ (see ../shared/vnish-api/NOTES.md). */
export type FirmwareGen = '1.2.0' | '1.2.6' | '1.3';

/** Fields every fault may carry. */
export interface FaultTiming {
  /**
   * When the fault starts, in sim seconds: after the farm's start in a scenario file, after "now" when
   * injected at run time. Default 0.
   */
  atS?: number;
  /** Clear the fault by itself after this many sim seconds. Default: stays until cleared. */
  durationS?: number;
}

/** A fault the simulator can inject into one miner. */
export type FaultSpec = FaultTiming &
  (
    | {
        type: 'fan';
        /** fan index, default 0 */ fan?: number;
        /** dead: 0 rpm, `lost`; slow: 40 % rpm */ mode?: 'dead' | 'slow';
      }
    | { type: 'chain'; /** chain index, default 0 */ chain?: number }
    | {
        type: 'chip-degradation';
        chain?: number;
        /** Sim seconds from first orange chip to chain failure. Default 6 h. */
        rampS?: number;
      }
    | { type: 'pool'; /** pool index, default 0 */ pool?: number; mode?: 'rejecting' | 'offline' }
    | { type: 'overheat'; /** degrees added to this miner's inlet air. Default 15. */ extraC?: number }
    | {
        type: 'psu-limit';
        /** the PSU delivers at most this. Default 70 % of the model's stock power. */ maxW?: number;
      }
    | {
        type: 'net-slow';
        /** real milliseconds added to every answer. Default 1500. */ delayMs?: number;
        probability?: number;
      }
    | { type: 'net-timeout'; probability?: number }
    | { type: 'net-reset'; probability?: number }
    | { type: 'http-500'; probability?: number; message?: string }
    | { type: 'malformed-json'; probability?: number }
    | {
        type: 'token-expiry';
        /** tokens live this many sim seconds. Default 0: every token dies now. */ ttlS?: number;
      }
  );

/** Every fault type, for validation and documentation. */
export const FAULT_TYPES = [
  'fan',
  'chain',
  'chip-degradation',
  'pool',
  'overheat',
  'psu-limit',
  'net-slow',
  'net-timeout',
  'net-reset',
  'http-500',
  'malformed-json',
  'token-expiry',
] as const;

/** A fault as the simulator recorded it. */
export interface FaultRecord {
  id: number;
  spec: FaultSpec;
  /** Sim clock (ms since epoch) at which it starts or started. */
  startMs: number;
  /** Sim clock at which it ends, or null. */
  endMs: number | null;
  active: boolean;
}

/** What one preset would give on this unit, in steady state, at the miner's current inlet temperature. */
export interface PresetTruth {
  name: string;
  pretty: string;
  ths: number;
  powerW: number;
  jth: number;
  chipTempC: number;
  profitUsdPerDay: number;
}

/** The hidden facts about one simulated miner that scoring may use and clients cannot see. */
export interface GroundTruth {
  index: number;
  mac: string;
  model: string;
  firmware: string;
  /** Mean chip quality of the unit (1 = average; higher = chips clock higher at a given voltage). */
  quality: number;
  /** Mean chip quality of each chain. */
  chainQuality: number[];
  /** Spread (max/min - 1) of chip quality within each chain. */
  chainQualitySpread: number[];
  /** Relative leakage of the unit (1 = average). */
  leakFactor: number;
  electricityUsdPerKwh: number;
  hashpriceUsdPerThDay: number;
  /** The preset with the highest profit per day at the given prices, under current conditions. */
  bestPreset: PresetTruth;
  presets: PresetTruth[];
  faults: FaultRecord[];
  state: string;
  reachable: boolean;
  inletC: number;
  ambientC: number;
  simTimeMs: number;
}

/** One group of identical miners in a scenario. */
export interface ScenarioGroup {
  /** How many miners (or a weight, when the farm size is set elsewhere). */
  count: number;
  /** Model id or name: `s19jpro`, `S19 XP`, `S21`, `S21+ Hydro`. */
  model: string;
  /** Firmware version string, e.g. "1.2.0", "1.2.6", "1.2.7", "1.3.4". Default "1.2.7". */
  firmware?: string;
  /** Web password. Default "admin". */
  password?: string;
  /** Preset at start. Default: the model's stock preset. */
  preset?: string;
  /** Answer `/autotune/presets` as `{presets: [...]}` instead of a bare array. */
  presetsWrapped?: boolean;
  /** Brand in `miner_type` for white-label builds (default "Vnish"). */
  brand?: string;
  /** Auto fan target temperature (chip, degC). Default 70. */
  fanTargetC?: number;
}

/** A fault scheduled by a scenario. */
export type ScenarioFault = FaultSpec & { /** miner index */ miner: number };

/** A scenario file (JSON). */
export interface ScenarioSpec {
  name?: string;
  /** Random seed; FarmOptions.seed wins. */
  seed?: number;
  /** Farm size; FarmOptions.miners wins. Default: sum of group counts. */
  miners?: number;
  /** Sim clock at start (ISO date or ms since epoch). Default: the real time at start. */
  startTime?: string | number;
  /**
   * Sim seconds of history the miners have already lived through at start, so `/metrics` charts are not
   * empty (computed lazily on a miner's first request; about 20 ms per miner per hour). Default 0.
   */
  historyS?: number;
  groups?: ScenarioGroup[];
  site?: {
    /** Mean ambient temperature. Default 24. */
    ambientC?: number;
    /** Half the day-night swing. Default 6. */
    dailySwingC?: number;
    /** Slow random wander of the ambient, sd in degC. Default 0.8. */
    noiseC?: number;
    /** Spread of inlet temperature between rack positions, sd. Default 1.5. */
    rackSpreadC?: number;
    /** Cooling water supply temperature of hydro miners. Default 30. */
    waterC?: number;
    /** Site timezone shown by the miners (GMT, GMT+3, ...). Default GMT. */
    timezone?: string;
    heatWave?: { startS: number; durationS: number; extraC: number };
  };
  timing?: {
    /** Sim seconds a miner stays unreachable after a reboot. Default 75. */
    rebootDownS?: number;
    /** Sim seconds in `initializing` after boot. Default 20. */
    initS?: number;
    /** Sim seconds in `restarting`. Default 15. */
    restartS?: number;
    /** Sim seconds in `starting`. Default 30. */
    startS?: number;
    /** Sim seconds of `auto-tuning` for an untuned preset. Default 1200. */
    autotuneS?: number;
  };
  faults?: ScenarioFault[];
}
