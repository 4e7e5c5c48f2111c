/**
 * Raw zod schemas for vnish `/api/v1` responses, lenient enough for every generation from 1.2.0 to 1.3.x.
 *
 * Every object is loose (unknown extra fields pass through untouched) and every field the product reads
 * is optional, because fields come and go between versions (see ../shared/vnish-api/NOTES.md). Numeric
 * leaves accept numbers and numeric strings and turn anything non-finite ("NaN", "Infinity", 1e999) into
 * null, so no NaN ever leaves this module; a leaf of a plainly wrong type (an object where a number
 * belongs) fails validation, and the caller reports it as `BadResponse` naming the endpoint and field.
 */
import { z } from 'zod';

/** A finite number, a numeric string turned into one, or null when the value is missing or non-finite. */
export function toFiniteOrNull(v: unknown): number | null {
  // `+ 0` folds -0 into 0: JSON cannot carry -0, so the CLI would print something other than we hold.
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : null;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    const n = Number(t);
    return Number.isFinite(n) ? n + 0 : null;
  }
  return null;
}

/** Numeric leaf: number | numeric string | null -> finite number or null. */
export const num = z
  .custom<number | string | null>((v) => v === null || typeof v === 'number' || typeof v === 'string', {
    message: 'expected a number',
  })
  .transform(toFiniteOrNull)
  .optional();

/** String leaf: strings pass, numbers become their decimal text (versions and ids are sometimes numeric). */
export const str = z
  .custom<string | number | null>((v) => v === null || typeof v === 'string' || typeof v === 'number', {
    message: 'expected a string',
  })
  .transform((v) => (v === null ? null : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : null) : v))
  .optional();

/** Boolean leaf; null when missing. */
export const bool = z.boolean().nullable().optional();

const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const arr = <T extends z.ZodType>(item: T) => z.array(item).nullable().optional();

const TempRange = obj({ min: num, max: num }).nullable().optional();

const NetworkStatus = obj({ mac: str, hostname: str, ip: str, dhcp: bool }).nullable().optional();

const SystemInfo = obj({
  os: str,
  miner_name: str,
  uptime: z.union([z.string(), z.number()]).nullable().optional(),
  network_status: NetworkStatus,
  // 1.2.0 `/summary.system` shapes seen in the field put these at the top level.
  mac: str,
  hostname: str,
  ip: str,
})
  .nullable()
  .optional();

/** `GET /info` (no auth). 1.2.x before 1.2.6 lacks algorithm/serial/build_*. */
export const RawInfoSchema = obj({
  miner: str,
  model: str,
  fw_name: str,
  fw_version: str,
  platform: str,
  install_type: str,
  build_time: str,
  build_name: str,
  build_uuid: str,
  algorithm: str,
  hr_measure: str,
  serial: str,
  system: SystemInfo,
});
export type RawInfo = z.infer<typeof RawInfoSchema>;

/** `GET /model` (no auth). Voltage limits here are in units of 10 mV. */
export const RawModelSchema = obj({
  full_name: str,
  model: str,
  algorithm: str,
  series: str,
  platform: str,
  install_type: str,
  hr_measure: str,
  serial: str,
  chain: obj({ chips_per_chain: num, chips_per_domain: num, num_chains: num }).nullable().optional(),
  cooling: z.looseObject({}).nullable().optional(),
  overclock: obj({
    max_voltage: num,
    min_voltage: num,
    default_voltage: num,
    max_freq: num,
    min_freq: num,
    default_freq: num,
    warn_freq: num,
    max_voltage_stock_psu: num,
    power_metering: bool,
    max_power_limit: num,
  })
    .nullable()
    .optional(),
});
export type RawModel = z.infer<typeof RawModelSchema>;

const MinerStatus = obj({
  miner_state: str,
  miner_state_time: num,
  description: str,
  failure_code: num,
  /** 1.3.x: throttle percent (20-100). */
  throttled: num,
});

/** `GET /status` (no auth). */
export const RawStatusSchema = obj({
  miner_state: str,
  miner_state_time: num,
  description: str,
  failure_code: num,
  throttled: num,
  restart_required: bool,
  reboot_required: bool,
  find_miner: bool,
  unlocked: bool,
  unlock_timeout: num,
  warranty: str,
});
export type RawStatus = z.infer<typeof RawStatusSchema>;

const ChipStatuses = obj({ red: num, orange: num, grey: num }).nullable().optional();

const RawSummaryChain = obj({
  id: num,
  frequency: num,
  voltage: num,
  power_consumption: num,
  power_usage: num,
  hashrate_ideal: num,
  hashrate_rt: num,
  hashrate_percentage: num,
  hr_error: num,
  hw_errors: num,
  pcb_temp: TempRange,
  chip_temp: TempRange,
  chip_statuses: ChipStatuses,
  status: obj({ state: str, description: str }).nullable().optional(),
  inlet_water_temp: num,
  outlet_water_temp: num,
});

const RawPool = obj({
  id: num,
  url: str,
  pool_type: str,
  user: str,
  status: str,
  accepted: num,
  rejected: num,
  stale: num,
});

const RawFan = obj({ id: num, rpm: num, status: str, max_rpm: num });

/** `/summary` `miner` object (AntmMinerStats). */
export const RawMinerStatsSchema = obj({
  miner_status: MinerStatus.nullable().optional(),
  miner_type: str,
  hr_stock: num,
  average_hashrate: num,
  instant_hashrate: num,
  hr_realtime: num,
  hr_nominal: num,
  hr_average: num,
  pcb_temp: TempRange,
  chip_temp: TempRange,
  power_consumption: num,
  power_usage: num,
  power_efficiency: num,
  hw_errors_percent: num,
  hr_error: num,
  hw_errors: num,
  devfee_percent: num,
  devfee: num,
  pools: arr(RawPool),
  cooling: obj({ fan_num: num, fan_duty: num, fans: arr(RawFan) })
    .nullable()
    .optional(),
  chains: arr(RawSummaryChain),
  found_blocks: num,
  best_share: num,
  restart_count: num,
});

/** `GET /summary` (token optional). 1.2.0 adds a top-level `system` object; `miner` is null when not running. */
export const RawSummarySchema = obj({
  miner: RawMinerStatsSchema.nullable().optional(),
  system: SystemInfo,
});
export type RawSummary = z.infer<typeof RawSummarySchema>;

const PresetItem = obj({
  name: str,
  pretty: str,
  status: str,
  modded_psu_required: bool,
});

/** `GET /perf-summary` (no auth): `current_preset` is the preset actually running. */
export const RawPerfSummarySchema = obj({
  current_preset: obj({
    name: str,
    pretty: str,
    status: str,
    modded_psu_required: bool,
    globals: obj({ freq: num, volt: num }).nullable().optional(),
  })
    .nullable()
    .optional(),
  preset_switcher: obj({
    enabled: bool,
    min_preset: str,
    top_preset: str,
    decrease_temp: num,
    rise_temp: num,
    check_time: num,
    autochange_top_preset: bool,
    ignore_fan_speed: bool,
    power_delta: num,
  })
    .nullable()
    .optional(),
});
export type RawPerfSummary = z.infer<typeof RawPerfSummarySchema>;

/** One autotune preset; `tune_settings.volt` is in mV. */
export const RawPresetSchema = PresetItem.extend({
  tune_settings: obj({ hashrate: num, volt: num, freq: num, modified: bool, date: str })
    .nullable()
    .optional(),
});
export type RawPreset = z.infer<typeof RawPresetSchema>;

/** `GET /autotune/presets`: a bare array on real firmware, `{presets: [...]}` in some builds. */
export const RawPresetsSchema = z.union([
  z.array(RawPresetSchema),
  obj({ presets: z.array(RawPresetSchema) }).transform((v) => v.presets),
]);

/** `GET /settings` (auth). Only what the product reads is typed; the rest passes through for partial writes. */
export const RawSettingsSchema = obj({
  miner: obj({
    overclock: obj({
      preset: str,
      modded_psu: bool,
      globals: obj({ freq: num, volt: num }).nullable().optional(),
      preset_switcher: z.looseObject({}).nullable().optional(),
    })
      .nullable()
      .optional(),
    cooling: z.looseObject({}).nullable().optional(),
    misc: z.looseObject({}).nullable().optional(),
    pools: z.array(z.unknown()).nullable().optional(),
  })
    .nullable()
    .optional(),
  network: z.looseObject({}).nullable().optional(),
  ui: z.looseObject({}).nullable().optional(),
  regional: z.looseObject({}).nullable().optional(),
});
export type RawSettings = z.infer<typeof RawSettingsSchema>;

/** `POST /settings` and `POST /mining/throttle` answer. Not proof that anything changed (NOTES.md). */
export const RawSaveConfigResultSchema = obj({ restart_required: bool, reboot_required: bool });

/** `POST /system/reboot` answer. */
export const RawRebootAfterSchema = obj({ after: num });

/** `POST /unlock` answer, and the body of its 403/429. */
export const RawUnlockSchema = obj({ token: str, unlock_timeout: num });

/** `GET /auth-check`. */
export const RawAuthCheckSchema = obj({ unlock_timeout: num });

/** `POST /find-miner` (1.2.x toggle; may answer null) and `POST /locate-miner` (1.3.x). */
export const RawLocateSchema = obj({ on: bool, is_enabled: bool }).nullable();

const RawChip = obj({
  id: num,
  hr: num,
  freq: num,
  volt: num,
  temp: num,
  errs: num,
  grade: str,
  throttled: bool,
});

/** One chain of `GET /chains` (1.2.x) or board of `GET /boards` (1.3.x): per-chip detail. */
export const RawChainChipsSchema = obj({
  id: num,
  status: obj({ state: str, failure_message: str }).nullable().optional(),
  hr_realtime: num,
  hr_nominal: num,
  freq: num,
  sensors: z.array(z.looseObject({})).nullable().optional(),
  chips: arr(RawChip),
});
export const RawChainsSchema = z.array(RawChainChipsSchema);
export type RawChains = z.infer<typeof RawChainsSchema>;

/** `GET /chains/factory-info`. */
export const RawFactoryInfoSchema = obj({
  chains: arr(
    obj({
      id: num,
      board_model: str,
      serial: str,
      chip_bin: num,
      freq: num,
      volt: num,
      hashrate: num,
    }),
  ),
  has_pics: bool,
  hr_stock: num,
  psu_model: str,
  psu_serial: str,
});
export type RawFactoryInfo = z.infer<typeof RawFactoryInfoSchema>;

/** `GET /metrics?time_slice=&step=`: time series of hashrate (hr_measure units), temps, fan duty, power. */
export const RawMetricsSchema = obj({
  timezone: str,
  metrics: arr(
    obj({
      time: num,
      data: obj({
        hashrate: num,
        pcb_max_temp: num,
        chip_max_temp: num,
        fan_duty: num,
        power_consumption: num,
      })
        .nullable()
        .optional(),
    }),
  ),
  annotations: arr(obj({ time: num, data: z.looseObject({}).nullable().optional() })),
});
export type RawMetrics = z.infer<typeof RawMetricsSchema>;

/** Error body of non-2xx answers. */
export const RawErrSchema = obj({ err: z.string(), unlock_timeout: num });
