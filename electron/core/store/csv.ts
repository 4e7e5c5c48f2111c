/**
 * CSV lines for history exports: one header, one line per point, ISO times, product units in the header.
 *
 * Spreadsheet users open these directly, so columns are stable and named with their units.
 */
import type { HistoryPoint, Stat } from './types.js';

const COLUMNS = [
  'time',
  'miner',
  'resolution',
  'samples',
  'state',
  'hashrate_ths_avg',
  'hashrate_ths_min',
  'hashrate_ths_max',
  'nominal_ths',
  'power_w_avg',
  'power_w_min',
  'power_w_max',
  'efficiency_jth_avg',
  'efficiency_jth_min',
  'efficiency_jth_max',
  'chip_temp_max_c_avg',
  'chip_temp_max_c_min',
  'chip_temp_max_c_max',
  'pcb_temp_max_c_avg',
  'pcb_temp_max_c_min',
  'pcb_temp_max_c_max',
  'fan_min_rpm',
  'offline_s',
  'miner_count',
  'online_count',
  'offline_count',
  'hw_errors',
  'pool_accepted',
  'pool_rejected',
  'throttle_pct',
] as const;

/** The header row (with its newline). */
export function csvHeader(): string {
  return `${COLUMNS.join(',')}\n`;
}

const num = (v: number | null): string => (v === null ? '' : String(Math.round(v * 1000) / 1000));
const text = (v: string | null): string => {
  if (v === null) return '';
  // Quote when needed, and defuse spreadsheet formulas in free text.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const stat = (s: Stat) => `${num(s.avg)},${num(s.min)},${num(s.max)}`;

/** One point as a CSV line (with its newline). */
export function csvLine(p: HistoryPoint, miner: string, resolution: string): string {
  return (
    [
      new Date(p.t).toISOString(),
      text(miner),
      resolution,
      String(p.samples),
      text(p.state),
      stat(p.hashrateThs),
      num(p.nominalThs),
      stat(p.powerW),
      stat(p.efficiencyJth),
      stat(p.chipTempMaxC),
      stat(p.pcbTempMaxC),
      num(p.fanMinRpm),
      num(p.offlineS),
      num(p.minerCount),
      num(p.onlineCount),
      num(p.offlineCount),
      num(p.hwErrors),
      num(p.poolAccepted),
      num(p.poolRejected),
      num(p.throttlePct),
    ].join(',') + '\n'
  );
}
