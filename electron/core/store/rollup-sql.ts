/**
 * The aggregate expressions that turn raw rows into rollups (and rollups into coarser rollups).
 *
 * Maintenance INSERTs them and history SELECTs them for the not-yet-rolled tail of a range, so a chart of
 * the last hour shows the current minute computed the same way it will be stored.
 */
import { OFFLINE_CODE } from './codec.js';

/** Rollup columns in table order (after the key columns). */
export const ROLLUP_COLS = [
  'n',
  'on_n',
  'offline_s',
  'hr_avg',
  'hr_min',
  'hr_max',
  'nom_avg',
  'pw_avg',
  'pw_min',
  'pw_max',
  'eff_avg',
  'eff_min',
  'eff_max',
  'chip_avg',
  'chip_min',
  'chip_max',
  'pcb_avg',
  'pcb_min',
  'pcb_max',
  'fan_min',
  'thr_max',
  'hw_err',
  'acc',
  'rej',
] as const;

export const FLEET_ROLLUP_COLS = [
  'n',
  'miners_avg',
  'online_avg',
  'online_min',
  'offline_avg',
  'offline_max',
  'hr_avg',
  'hr_min',
  'hr_max',
  'nom_avg',
  'pw_avg',
  'pw_min',
  'pw_max',
  'eff_avg',
  'eff_min',
  'eff_max',
  'chip_avg',
  'chip_min',
  'chip_max',
  'pcb_avg',
  'pcb_min',
  'pcb_max',
] as const;

/** `expr AS col, ...`: the same list serves INSERT ... SELECT and plain SELECTs read by column name. */
function aliased(cols: readonly string[], exprs: string[]): string {
  if (cols.length !== exprs.length)
    throw new Error(`rollup SQL: ${exprs.length} expressions for ${cols.length} columns`);
  return exprs.map((e, i) => `${e} AS ${cols[i]}`).join(', ');
}

const int = (e: string) => `CAST(round(${e}) AS INTEGER)`;
const avg = (c: string) => int(`avg(${c})`);
/** Average of averages weighted by `w`, counting only buckets where the average exists. */
const wavg = (c: string, w: string) =>
  int(`sum(${c} * ${w}) * 1.0 / nullif(sum(CASE WHEN ${c} IS NOT NULL THEN ${w} END), 0)`);
const amm = (c: string) => [avg(c), `min(${c})`, `max(${c})`];
const wmm = (p: string, w: string) => [wavg(`${p}_avg`, w), `min(${p}_min)`, `max(${p}_max)`];

/** Raw telemetry rows of one minute -> one 1m rollup row per miner. */
export const RAW_TO_1M = aliased(ROLLUP_COLS, [
  'count(*)',
  `sum(state != ${OFFLINE_CODE})`,
  int(`60.0 * sum(state = ${OFFLINE_CODE}) / count(*)`),
  ...amm('hr'),
  avg('hr_nom'),
  ...amm('power'),
  ...amm('eff'),
  ...amm('chip_t'),
  ...amm('pcb_t'),
  'min(fan_min)',
  'max(throttle)',
  'max(hw_err)',
  'max(acc)',
  'max(rej)',
]);

/** 1m rollup rows of one quarter hour -> one 15m rollup row per miner. */
export const M1_TO_15M = aliased(ROLLUP_COLS, [
  'sum(n)',
  'sum(on_n)',
  'sum(offline_s)',
  ...wmm('hr', 'on_n'),
  wavg('nom_avg', 'on_n'),
  ...wmm('pw', 'on_n'),
  ...wmm('eff', 'on_n'),
  ...wmm('chip', 'on_n'),
  ...wmm('pcb', 'on_n'),
  'min(fan_min)',
  'max(thr_max)',
  'max(hw_err)',
  'max(acc)',
  'max(rej)',
]);

/** Fleet raw rows of one minute -> one fleet 1m row. */
export const FLEET_RAW_TO_1M = aliased(FLEET_ROLLUP_COLS, [
  'count(*)',
  int('avg(miners) * 1000'),
  int('avg(online) * 1000'),
  'min(online)',
  int('avg(offline) * 1000'),
  'max(offline)',
  ...amm('hr'),
  avg('nom'),
  ...amm('power'),
  ...amm(int('power * 100000.0 / nullif(hr, 0)')),
  ...amm('chip_max'),
  ...amm('pcb_max'),
]);

/** Fleet 1m rows of one quarter hour -> one fleet 15m row. */
export const FLEET_1M_TO_15M = aliased(FLEET_ROLLUP_COLS, [
  'sum(n)',
  wavg('miners_avg', 'n'),
  wavg('online_avg', 'n'),
  'min(online_min)',
  wavg('offline_avg', 'n'),
  'max(offline_max)',
  ...wmm('hr', 'n'),
  wavg('nom_avg', 'n'),
  ...wmm('pw', 'n'),
  ...wmm('eff', 'n'),
  ...wmm('chip', 'n'),
  ...wmm('pcb', 'n'),
]);
