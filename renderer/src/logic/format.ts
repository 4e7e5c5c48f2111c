/**
 * Number and time formatting for the UI.
 *
 * One place decides how many decimals a figure gets and when a fleet total switches unit (TH/s ->
 * PH/s, W -> kW), so every page reads the same. Formatting is fixed to `en-US` grouping: a shared
 * operations screen should not change its digits with the browser's locale. Missing values are an
 * em dash, never 0.
 */

/** What an unknown value looks like everywhere in the UI. */
export const DASH = '\u2014';

const groupers = new Map<number, Intl.NumberFormat>();
function grouper(digits: number): Intl.NumberFormat {
  let f = groupers.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    groupers.set(digits, f);
  }
  return f;
}

/** A number with thousands grouping and a fixed number of decimals; a dash when unknown. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return grouper(digits).format(value);
}

/** One miner's (or chain's) hashrate in TH/s, one decimal, without the unit (the column names it). */
export function formatThs(ths: number | null | undefined): string {
  return formatNumber(ths, 1);
}

/** A fleet total with its unit: TH/s below 1,000 TH/s, then PH/s, then EH/s. */
export function formatFleetHashrate(ths: number | null | undefined): string {
  if (ths === null || ths === undefined || !Number.isFinite(ths)) return DASH;
  const abs = Math.abs(ths);
  if (abs >= 1_000_000) return `${formatNumber(ths / 1_000_000, 2)} EH/s`;
  if (abs >= 1_000) return `${formatNumber(ths / 1_000, 2)} PH/s`;
  return `${formatNumber(ths, 1)} TH/s`;
}

/** One miner's power in W, no decimals, without the unit. */
export function formatWatts(w: number | null | undefined): string {
  return formatNumber(w, 0);
}

/** A fleet power total with its unit: W, kW (one decimal) from 1 kW, MW (two decimals) from 1 MW. */
export function formatFleetPower(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return DASH;
  const abs = Math.abs(w);
  if (abs >= 1_000_000) return `${formatNumber(w / 1_000_000, 2)} MW`;
  if (abs >= 1_000) return `${formatNumber(w / 1_000, 1)} kW`;
  return `${formatNumber(w, 0)} W`;
}

/** Efficiency in J/TH, one decimal, without the unit. */
export function formatJth(jth: number | null | undefined): string {
  return formatNumber(jth, 1);
}

/** A temperature in degC, whole degrees, without the unit. */
export function formatTempC(c: number | null | undefined): string {
  return formatNumber(c, 0);
}

/** An uptime in seconds as the two largest units: `3d 4h`, `5h 12m`, `12m`, `45s`. */
export function formatUptime(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return DASH;
  const total = Math.floor(s);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${total}s`;
}

/** How long ago something happened, coarse enough to read at a glance: `4 s`, `3 min`, `2 h`, `5 d`. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** A wall-clock time for "last seen" labels: local `HH:MM:SS`, with the date when it is not today. */
export function formatClock(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return DASH;
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date(nowMs);
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** A count with grouping and the right singular/plural noun: `1 miner`, `10,000 miners`. */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(n, 0)} ${n === 1 ? singular : plural}`;
}

/** A chart time tick: local `HH:MM`, or `MM-DD` when the range spans days. */
export function formatTick(t: number, spanMs: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (spanMs > 2 * 86_400_000) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A short duration: `0.4 s` under 10 s, then as an age (`45 s`, `3 min`). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return DASH;
  if (ms < 10_000) return `${formatNumber(ms / 1000, 1)} s`;
  return formatAge(ms);
}
