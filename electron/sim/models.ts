/**
 * Hardware models the simulator can play, with vendor-like parameters.
 *
 * Figures follow ../shared/vnish-api/NOTES.md ("Figures from the field"): stock hashrate, power, chips
 * per chain, and vnish preset tables whose names are watts ("3200" -> "3200 watt ~ 102 TH"). The
 * preset table is derived from the same physics the miners run, so a preset's label and what an average
 * unit does on it agree, while any one unit's hidden chip quality moves it off the label.
 */

/** One power preset of a model, as the firmware lists it. */
export interface PresetSpec {
  /** Preset name: watts as a string ("3200"). */
  name: string;
  /** Label such as "3200 watt ~ 102 TH". */
  pretty: string;
  /** Nominal wall power of an average unit on this preset. */
  watts: number;
  /** Nominal hashrate of an average unit on this preset. */
  ths: number;
  /** Chip frequency the preset runs at. */
  freqMhz: number;
  /** Chain voltage the preset runs at. */
  voltMv: number;
  /** Needs a modded PSU (above the stock PSU's rating). */
  moddedPsuRequired: boolean;
}

/** A miner model and the constants its physics is calibrated from. */
export interface ModelSpec {
  /** Short id used in scenario files: `s19jpro`, `s19xp`, `s21`, `s21plus-hydro`. */
  id: string;
  /** Full name shown by the firmware ("Antminer S19j Pro"). */
  fullName: string;
  /** `/model` `model` code. */
  code: string;
  series: 'x19' | 'x21';
  platform: 'aml' | 'bb' | 'cv' | 'stm' | 'xil';
  chains: number;
  chipsPerChain: number;
  chipsPerDomain: number;
  topologyCols: number;
  fans: number;
  maxFanRpm: number;
  hydro: boolean;
  stockThs: number;
  stockPowerW: number;
  stockFreqMhz: number;
  stockVoltMv: number;
  /** Stock PSU rating; presets above it need a modded PSU. */
  psuMaxW: number;
  psuModel: string;
  boardModel: string;
  /** Inlet temperature above which the firmware throttles frequency. */
  throttleInletC: number;
  /** Inlet temperature at which the firmware stops mining. */
  shutdownInletC: number;
  /** Ratios of stock hashrate the preset table is built from (1 = stock). */
  presetRatios: number[];
  presets: PresetSpec[];
}

/** Fraction of chip power that is leakage at the calibration point (70 degC chips). */
export const LEAK_SHARE = 0.12;
/** Chip temperature at the calibration point. */
export const CAL_CHIP_C = 70;
/** Inlet temperature at the calibration point. */
export const CAL_INLET_C = 25;
/** Fan duty at the calibration point. */
export const CAL_DUTY = 70;
/** Power of the control board and hashboard logic, W. */
export const CONTROL_W = 35;
/** Power of one fan at full duty, W. */
export const FAN_MAX_W = 36;
/** Stability margin of an average chip at stock voltage: fmax = margin x stock freq. */
export const FREQ_MARGIN = 1.06;
/** Exponent of voltage in a chip's maximum stable frequency. */
export const VOLT_EXP = 2;
/** Leakage temperature coefficient (per degC, exponential). */
export const LEAK_K = 0.025;

/** Voltage ratio (to stock) that a preset at hashrate ratio `r` runs at. */
export function presetVoltRatio(r: number): number {
  return r <= 1 ? 1 - 0.33 * (1 - r) : 1 + 0.35 * (r - 1);
}

/** Wall power of an average unit at frequency ratio `r`, voltage ratio `v`, chips at `chipC`, fans at `duty`. */
export function averageUnitPowerW(
  m: Omit<ModelSpec, 'presets'>,
  r: number,
  v: number,
  chipC: number,
  duty: number,
): number {
  const chipStockW = m.stockPowerW - CONTROL_W - fanPowerW(m, CAL_DUTY);
  const dyn = (1 - LEAK_SHARE) * chipStockW * r * v * v;
  const leak = LEAK_SHARE * chipStockW * v * v * Math.exp(LEAK_K * (chipC - CAL_CHIP_C));
  return dyn + leak + CONTROL_W + fanPowerW(m, duty);
}

/** Power drawn by all fans of a model at a duty (cube law). */
export function fanPowerW(m: Pick<ModelSpec, 'hydro' | 'fans'>, duty: number): number {
  if (m.hydro) return 0;
  const d = duty / 100;
  return m.fans * FAN_MAX_W * d * d * d;
}

interface BaseModel extends Omit<ModelSpec, 'presets'> {
  presetRatios: number[];
}

function buildPresets(m: BaseModel): PresetSpec[] {
  return m.presetRatios.map((r) => {
    const v = presetVoltRatio(r);
    // An average unit on a preset holds its chips near the calibration temperature (auto fan).
    const watts = Math.round(averageUnitPowerW(m, r, v, CAL_CHIP_C, r > 1 ? 85 : 60) / 10) * 10;
    const ths = Math.round(m.stockThs * r * 10) / 10;
    const thsLabel = ths >= 100 ? Math.round(ths) : Math.round(ths * 10) / 10;
    return {
      name: String(watts),
      pretty: `${watts} watt ~ ${thsLabel} TH`,
      watts,
      ths,
      freqMhz: Math.round(m.stockFreqMhz * r),
      voltMv: Math.round((m.stockVoltMv * v) / 10) * 10,
      moddedPsuRequired: watts > m.psuMaxW,
    };
  });
}

const RATIOS_AIR = [0.5, 0.56, 0.62, 0.68, 0.74, 0.8, 0.86, 0.92, 0.97, 1.0, 1.05, 1.1, 1.15, 1.2];
const RATIOS_HYDRO = [0.6, 0.68, 0.76, 0.84, 0.92, 1.0, 1.06, 1.12, 1.18];

const BASE: BaseModel[] = [
  {
    id: 's19jpro',
    fullName: 'Antminer S19j Pro',
    code: 's19jpro',
    series: 'x19',
    platform: 'aml',
    chains: 3,
    chipsPerChain: 126,
    chipsPerDomain: 3,
    topologyCols: 6,
    fans: 4,
    maxFanRpm: 6000,
    hydro: false,
    stockThs: 100,
    stockPowerW: 3050,
    stockFreqMhz: 525,
    stockVoltMv: 13800,
    psuMaxW: 3600,
    psuModel: 'APW12_1215a',
    boardModel: 'BHB42601',
    throttleInletC: 40,
    shutdownInletC: 45,
    presetRatios: RATIOS_AIR,
  },
  {
    id: 's19xp',
    fullName: 'Antminer S19 XP',
    code: 's19xp',
    series: 'x19',
    platform: 'xil',
    chains: 3,
    chipsPerChain: 110,
    chipsPerDomain: 2,
    topologyCols: 10,
    fans: 4,
    maxFanRpm: 6000,
    hydro: false,
    stockThs: 140,
    stockPowerW: 3010,
    stockFreqMhz: 500,
    stockVoltMv: 13400,
    psuMaxW: 3600,
    psuModel: 'APW12_1417a',
    boardModel: 'BHB56903',
    throttleInletC: 40,
    shutdownInletC: 45,
    presetRatios: RATIOS_AIR,
  },
  {
    id: 's21',
    fullName: 'Antminer S21',
    code: 's21',
    series: 'x21',
    platform: 'cv',
    chains: 3,
    chipsPerChain: 108,
    chipsPerDomain: 2,
    topologyCols: 12,
    fans: 4,
    maxFanRpm: 6600,
    hydro: false,
    stockThs: 200,
    stockPowerW: 3500,
    stockFreqMhz: 490,
    stockVoltMv: 13200,
    psuMaxW: 4000,
    psuModel: 'APW17_1240a',
    boardModel: 'BHB68601',
    throttleInletC: 40,
    shutdownInletC: 47,
    presetRatios: RATIOS_AIR,
  },
  {
    id: 's21plus-hydro',
    fullName: 'Antminer S21+ Hydro',
    code: 's21plushydro',
    series: 'x21',
    platform: 'cv',
    chains: 3,
    chipsPerChain: 195,
    chipsPerDomain: 3,
    topologyCols: 13,
    fans: 4,
    maxFanRpm: 0,
    hydro: true,
    stockThs: 400,
    stockPowerW: 6100,
    stockFreqMhz: 475,
    stockVoltMv: 14400,
    psuMaxW: 7000,
    psuModel: 'APW171_1250a',
    boardModel: 'BHB68705',
    throttleInletC: 45,
    shutdownInletC: 52,
    presetRatios: RATIOS_HYDRO,
  },
];

/** Every model the simulator knows, by id. */
export const MODELS: ReadonlyMap<string, ModelSpec> = new Map(
  BASE.map((b) => [b.id, { ...b, presets: buildPresets(b) }] as const),
);

/** Find a model by id, code or full name ("S21", "Antminer S19j Pro", "s19jpro"), case-insensitive. */
export function findModel(name: string): ModelSpec | undefined {
  const key = name
    .toLowerCase()
    .replace(/^antminer\s+/, '')
    .replace(/[\s_]+/g, '');
  for (const m of MODELS.values()) {
    const candidates = [
      m.id,
      m.code,
      m.fullName
        .toLowerCase()
        .replace(/^antminer\s+/, '')
        .replace(/\s+/g, ''),
    ];
    if (candidates.some((c) => c.replace(/[-\s]/g, '') === key.replace(/-/g, ''))) return m;
  }
  return undefined;
}

/** Chip layout of a board as `/model` reports it: rows of chip indices, -1 for empty slots. */
export function topology(m: ModelSpec): { chips: number[][]; num_cols: number; num_rows: number } {
  const cols = m.topologyCols;
  const rows = Math.ceil(m.chipsPerChain / cols);
  const grid: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) {
      // Chips run in a serpentine down and up the columns, as on real boards.
      const idx = c * rows + (c % 2 === 0 ? r : rows - 1 - r);
      row.push(idx < m.chipsPerChain ? idx : -1);
    }
    grid.push(row);
  }
  return { chips: grid, num_cols: cols, num_rows: rows };
}
