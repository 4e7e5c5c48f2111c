/**
 * History queries for charts and CSV: per miner or fleet-wide, raw / 1-minute / 15-minute.
 *
 * Per-miner reads walk the time blocks of the range with a recursive CTE and seek (block, miner) in each, so
 * a query costs one short seek per block whatever the fleet size. Fleet-wide reads use the fleet series,
 * never a scan over every miner. Buckets that maintenance has not rolled up yet are aggregated on the fly
 * from the finer tier with the same SQL, so a chart reaches up to the last poll.
 */
import type Database from 'better-sqlite3';
import { HashwatchError } from '../../../shared/errors.js';
import type { Clock } from '../clock.js';
import { decodeMinerState, EFF_SCALE, fromInt, HR_SCALE, OFFLINE_CODE, TEMP_SCALE } from './codec.js';
import type { Watermarks } from './maintain.js';
import {
  FLEET_1M_TO_15M,
  FLEET_RAW_TO_1M,
  FLEET_ROLLUP_COLS,
  M1_TO_15M,
  RAW_TO_1M,
  ROLLUP_COLS,
} from './rollup-sql.js';
import type {
  HistoryPoint,
  HistoryQuery,
  HistorySeries,
  Resolution,
  RetentionPolicy,
  Stat,
} from './types.js';

type Db = Database.Database;

const MINUTE_MS = 60_000;
const QUARTER_MS = 15 * MINUTE_MS;
const BUCKET_MS: Record<Resolution, number> = { raw: 0, '1m': MINUTE_MS, '15m': QUARTER_MS };
/** Auto resolution: raw up to this span (about 1,000-2,000 points at a 5-10 s poll interval). */
export const AUTO_RAW_MAX_SPAN_MS = 3 * 3_600_000;
/** Auto resolution: 1-minute rollups up to this span (at most 4,320 points). */
export const AUTO_1M_MAX_SPAN_MS = 3 * 86_400_000;

/**
 * Rows are read as arrays (`.raw()`): building a 25-key object per row costs several times the query.
 * These index maps keep the code readable.
 */
type Row = Array<number | null>;
const indexOf = <T extends string>(cols: readonly T[]): Record<T, number> =>
  Object.fromEntries(cols.map((c, i) => [c, i])) as Record<T, number>;
const RAW_COLS = [
  'ts',
  'state',
  'hr',
  'hr_nom',
  'power',
  'eff',
  'chip_t',
  'pcb_t',
  'fan_min',
  'throttle',
  'hw_err',
  'acc',
  'rej',
] as const;
const FLEET_RAW_COLS = [
  't',
  'miners',
  'online',
  'offline',
  'hr',
  'nom',
  'power',
  'chip_max',
  'pcb_max',
] as const;
const R = indexOf(['b', ...ROLLUP_COLS]);
const F = indexOf(['b', ...FLEET_ROLLUP_COLS]);
const W = indexOf(RAW_COLS);
const FW = indexOf(FLEET_RAW_COLS);

const same = (v: number | null): Stat => ({ avg: v, min: v, max: v });
const stat = (avg: number | null, min: number | null, max: number | null, scale: number): Stat => ({
  avg: fromInt(avg, scale),
  min: fromInt(min, scale),
  max: fromInt(max, scale),
});
const blank = (t: number): HistoryPoint => ({
  t,
  samples: 0,
  state: null,
  hashrateThs: same(null),
  nominalThs: null,
  powerW: same(null),
  efficiencyJth: same(null),
  chipTempMaxC: same(null),
  pcbTempMaxC: same(null),
  fanMinRpm: null,
  offlineS: null,
  minerCount: null,
  onlineCount: null,
  offlineCount: null,
  hwErrors: null,
  poolAccepted: null,
  poolRejected: null,
  throttlePct: null,
});

/** Nullable cell. */
const v = (r: Row, i: number): number | null => r[i] ?? null;
/** Cell that is never null in its query (keys, counts, sums). */
const n = (r: Row, i: number): number => r[i] ?? 0;

function rollupPoint(r: Row, bucketMs: number): HistoryPoint {
  return {
    ...blank(n(r, R.b) * bucketMs),
    samples: n(r, R.n),
    hashrateThs: stat(v(r, R.hr_avg), v(r, R.hr_min), v(r, R.hr_max), HR_SCALE),
    nominalThs: fromInt(v(r, R.nom_avg), HR_SCALE),
    powerW: stat(v(r, R.pw_avg), v(r, R.pw_min), v(r, R.pw_max), 1),
    efficiencyJth: stat(v(r, R.eff_avg), v(r, R.eff_min), v(r, R.eff_max), EFF_SCALE),
    chipTempMaxC: stat(v(r, R.chip_avg), v(r, R.chip_min), v(r, R.chip_max), TEMP_SCALE),
    pcbTempMaxC: stat(v(r, R.pcb_avg), v(r, R.pcb_min), v(r, R.pcb_max), TEMP_SCALE),
    fanMinRpm: v(r, R.fan_min),
    offlineS: n(r, R.offline_s),
    hwErrors: v(r, R.hw_err),
    poolAccepted: v(r, R.acc),
    poolRejected: v(r, R.rej),
    throttlePct: v(r, R.thr_max),
  };
}

function fleetRollupPoint(r: Row, bucketMs: number): HistoryPoint {
  const offline = fromInt(v(r, F.offline_avg), 1000);
  return {
    ...blank(n(r, F.b) * bucketMs),
    samples: n(r, F.n),
    hashrateThs: stat(v(r, F.hr_avg), v(r, F.hr_min), v(r, F.hr_max), HR_SCALE),
    nominalThs: fromInt(v(r, F.nom_avg), HR_SCALE),
    powerW: stat(v(r, F.pw_avg), v(r, F.pw_min), v(r, F.pw_max), 1),
    efficiencyJth: stat(v(r, F.eff_avg), v(r, F.eff_min), v(r, F.eff_max), EFF_SCALE),
    chipTempMaxC: stat(v(r, F.chip_avg), v(r, F.chip_min), v(r, F.chip_max), TEMP_SCALE),
    pcbTempMaxC: stat(v(r, F.pcb_avg), v(r, F.pcb_min), v(r, F.pcb_max), TEMP_SCALE),
    offlineS: offline === null ? null : Math.round((offline * bucketMs) / 1000),
    minerCount: fromInt(v(r, F.miners_avg), 1000),
    onlineCount: fromInt(v(r, F.online_avg), 1000),
    offlineCount: offline,
  };
}

function rawPoint(r: Row, prevTs: number | null): HistoryPoint {
  const ts = n(r, W.ts);
  const state = n(r, W.state);
  const offline = state === OFFLINE_CODE;
  return {
    ...blank(ts * 1000),
    samples: 1,
    state: decodeMinerState(state),
    hashrateThs: same(fromInt(v(r, W.hr), HR_SCALE)),
    nominalThs: fromInt(v(r, W.hr_nom), HR_SCALE),
    powerW: same(v(r, W.power)),
    efficiencyJth: same(fromInt(v(r, W.eff), EFF_SCALE)),
    chipTempMaxC: same(fromInt(v(r, W.chip_t), TEMP_SCALE)),
    pcbTempMaxC: same(fromInt(v(r, W.pcb_t), TEMP_SCALE)),
    fanMinRpm: v(r, W.fan_min),
    // The time since the previous poll is what this poll says about (capped: a long gap is unknown, not offline).
    offlineS: offline && prevTs !== null ? Math.min(ts - prevTs, 600) : 0,
    hwErrors: v(r, W.hw_err),
    poolAccepted: v(r, W.acc),
    poolRejected: v(r, W.rej),
    throttlePct: v(r, W.throttle),
  };
}

function fleetRawPoint(r: Row): HistoryPoint {
  const hr = n(r, FW.hr);
  const power = n(r, FW.power);
  return {
    ...blank(n(r, FW.t)),
    samples: 1,
    hashrateThs: same(fromInt(hr, HR_SCALE)),
    nominalThs: fromInt(v(r, FW.nom), HR_SCALE),
    powerW: same(power),
    efficiencyJth: same(hr > 0 ? Math.round((power * 100_000) / hr) / EFF_SCALE : null),
    chipTempMaxC: same(fromInt(v(r, FW.chip_max), TEMP_SCALE)),
    pcbTempMaxC: same(fromInt(v(r, FW.pcb_max), TEMP_SCALE)),
    minerCount: v(r, FW.miners),
    onlineCount: v(r, FW.online),
    offlineCount: v(r, FW.offline),
  };
}

/** Merge runs of `k` neighbouring points into one (weighted averages, min of mins, max of maxes). */
export function downsample(points: HistoryPoint[], maxPoints: number): HistoryPoint[] {
  if (!(maxPoints >= 1) || points.length <= maxPoints) return points;
  const k = Math.ceil(points.length / maxPoints);
  const out: HistoryPoint[] = [];
  for (let i = 0; i < points.length; i += k) out.push(mergePoints(points.slice(i, i + k)));
  return out;
}

function mergeStat(ps: HistoryPoint[], pick: (p: HistoryPoint) => Stat): Stat {
  let sum = 0;
  let w = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const p of ps) {
    const s = pick(p);
    const weight = Math.max(p.samples, 1);
    if (s.avg !== null) {
      sum += s.avg * weight;
      w += weight;
    }
    if (s.min !== null && (min === null || s.min < min)) min = s.min;
    if (s.max !== null && (max === null || s.max > max)) max = s.max;
  }
  return { avg: w > 0 ? sum / w : null, min, max };
}

function mergeScalar(
  ps: HistoryPoint[],
  pick: (p: HistoryPoint) => number | null,
  how: 'avg' | 'min' | 'max' | 'sum',
) {
  const vs = ps.map(pick).filter((v): v is number => v !== null);
  if (vs.length === 0) return null;
  if (how === 'min') return Math.min(...vs);
  if (how === 'max') return Math.max(...vs);
  const sum = vs.reduce((a, b) => a + b, 0);
  return how === 'sum' ? sum : sum / vs.length;
}

function mergePoints(ps: HistoryPoint[]): HistoryPoint {
  const first = ps[0]!;
  return {
    t: first.t,
    samples: ps.reduce((a, p) => a + p.samples, 0),
    state: ps[ps.length - 1]!.state,
    hashrateThs: mergeStat(ps, (p) => p.hashrateThs),
    nominalThs: mergeScalar(ps, (p) => p.nominalThs, 'avg'),
    powerW: mergeStat(ps, (p) => p.powerW),
    efficiencyJth: mergeStat(ps, (p) => p.efficiencyJth),
    chipTempMaxC: mergeStat(ps, (p) => p.chipTempMaxC),
    pcbTempMaxC: mergeStat(ps, (p) => p.pcbTempMaxC),
    fanMinRpm: mergeScalar(ps, (p) => p.fanMinRpm, 'min'),
    offlineS: mergeScalar(ps, (p) => p.offlineS, 'sum'),
    minerCount: mergeScalar(ps, (p) => p.minerCount, 'avg'),
    onlineCount: mergeScalar(ps, (p) => p.onlineCount, 'avg'),
    offlineCount: mergeScalar(ps, (p) => p.offlineCount, 'avg'),
    hwErrors: mergeScalar(ps, (p) => p.hwErrors, 'max'),
    poolAccepted: mergeScalar(ps, (p) => p.poolAccepted, 'max'),
    poolRejected: mergeScalar(ps, (p) => p.poolRejected, 'max'),
    throttlePct: mergeScalar(ps, (p) => p.throttlePct, 'max'),
  };
}

export interface HistoryReader {
  /** Points of [from, to] at a concrete resolution, oldest first. */
  read(minerKey: number | null, res: Resolution, from: number, to: number): HistoryPoint[];
  /** The resolution 'auto' picks for a range (by span, and by what retention still holds). */
  pick(q: HistoryQuery): Resolution;
  series(q: HistoryQuery, minerKey: number | null): HistorySeries;
}

const blocks = `WITH RECURSIVE bs(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM bs WHERE x < ?)`;

export function createHistoryReader(
  db: Db,
  clock: Clock,
  retention: () => RetentionPolicy,
  watermarks: () => Watermarks,
): HistoryReader {
  const cols = ROLLUP_COLS.join(', ');
  const fcols = FLEET_ROLLUP_COLS.join(', ');
  const s = {
    raw: db.prepare<[number, number, number, number, number], Row>(
      `${blocks} SELECT blk * 60 + s AS ts, state, hr, hr_nom, power, eff, chip_t, pcb_t, fan_min, throttle, hw_err, acc, rej
       FROM bs CROSS JOIN telemetry ON telemetry.blk = bs.x AND telemetry.miner = ?
       WHERE blk * 60 + s BETWEEN ? AND ? ORDER BY blk, s`,
    ),
    m1: db.prepare<[number, number, number, number, number], Row>(
      `${blocks} SELECT q * 15 + m AS b, ${cols}
       FROM bs CROSS JOIN rollup_1m ON rollup_1m.q = bs.x AND rollup_1m.miner = ?
       WHERE q * 15 + m BETWEEN ? AND ? ORDER BY q, m`,
    ),
    m1Tail: db.prepare<[number, number, number], Row>(
      `${blocks} SELECT x AS b, ${RAW_TO_1M}
       FROM bs CROSS JOIN telemetry ON telemetry.blk = bs.x AND telemetry.miner = ? GROUP BY x ORDER BY x`,
    ),
    m15: db.prepare<[number, number, number, number, number], Row>(
      `${blocks} SELECT d * 96 + k AS b, ${cols}
       FROM bs CROSS JOIN rollup_15m ON rollup_15m.d = bs.x AND rollup_15m.miner = ?
       WHERE d * 96 + k BETWEEN ? AND ? ORDER BY d, k`,
    ),
    m15Tail: db.prepare<[number, number, number], Row>(
      `${blocks} SELECT x AS b, ${M1_TO_15M}
       FROM bs CROSS JOIN rollup_1m ON rollup_1m.q = bs.x AND rollup_1m.miner = ? GROUP BY x ORDER BY x`,
    ),
    fleetRaw: db.prepare<[number, number], Row>(
      'SELECT t, miners, online, offline, hr, nom, power, chip_max, pcb_max FROM fleet_telemetry WHERE t BETWEEN ? AND ? ORDER BY t',
    ),
    fleet1m: db.prepare<[number, number], Row>(
      `SELECT b, ${fcols} FROM fleet_rollup_1m WHERE b BETWEEN ? AND ? ORDER BY b`,
    ),
    fleet1mTail: db.prepare<[number, number], Row>(
      `SELECT t / 60000 AS b, ${FLEET_RAW_TO_1M} FROM fleet_telemetry WHERE t >= ? AND t < ? GROUP BY t / 60000 ORDER BY b`,
    ),
    fleet15m: db.prepare<[number, number], Row>(
      `SELECT b, ${fcols} FROM fleet_rollup_15m WHERE b BETWEEN ? AND ? ORDER BY b`,
    ),
    fleet15mTail: db.prepare<[number, number], Row>(
      `SELECT b / 15 AS b, ${FLEET_1M_TO_15M} FROM fleet_rollup_1m WHERE b >= ? AND b < ? GROUP BY b / 15 ORDER BY b / 15`,
    ),
  };

  for (const st of Object.values(s)) st.raw(true);

  const read = (key: number | null, res: Resolution, from: number, to: number): HistoryPoint[] => {
    const wm = watermarks();
    if (res === 'raw') {
      if (key === null) return s.fleetRaw.all(from, to).map(fleetRawPoint);
      const fromS = Math.ceil(from / 1000);
      const toS = Math.floor(to / 1000);
      let prev: number | null = null;
      return s.raw.all(Math.floor(fromS / 60), Math.floor(toS / 60), key, fromS, toS).map((r) => {
        const p = rawPoint(r, prev);
        prev = r[W.ts]!;
        return p;
      });
    }
    if (res === '1m') {
      const b0 = Math.floor(from / MINUTE_MS);
      const b1 = Math.floor(to / MINUTE_MS);
      const rolledTo = Math.min(b1, wm.r1mNext - 1);
      const tailFrom = Math.max(b0, wm.r1mNext);
      if (key === null) {
        const rows = rolledTo >= b0 ? s.fleet1m.all(b0, rolledTo) : [];
        if (tailFrom <= b1) rows.push(...s.fleet1mTail.all(tailFrom * MINUTE_MS, (b1 + 1) * MINUTE_MS));
        return rows.map((r) => fleetRollupPoint(r, MINUTE_MS));
      }
      const rows =
        rolledTo >= b0 ? s.m1.all(Math.floor(b0 / 15), Math.floor(rolledTo / 15), key, b0, rolledTo) : [];
      if (tailFrom <= b1) rows.push(...s.m1Tail.all(tailFrom, b1, key));
      return rows.map((r) => rollupPoint(r, MINUTE_MS));
    }
    const q0 = Math.floor(from / QUARTER_MS);
    const q1 = Math.floor(to / QUARTER_MS);
    const rolledTo = Math.min(q1, wm.r15Next - 1);
    const tailFrom = Math.max(q0, wm.r15Next);
    if (key === null) {
      const rows = rolledTo >= q0 ? s.fleet15m.all(q0, rolledTo) : [];
      if (tailFrom <= q1) rows.push(...s.fleet15mTail.all(tailFrom * 15, (q1 + 1) * 15));
      return rows.map((r) => fleetRollupPoint(r, QUARTER_MS));
    }
    const rows =
      rolledTo >= q0 ? s.m15.all(Math.floor(q0 / 96), Math.floor(rolledTo / 96), key, q0, rolledTo) : [];
    if (tailFrom <= q1) rows.push(...s.m15Tail.all(tailFrom, q1, key));
    return rows.map((r) => rollupPoint(r, QUARTER_MS));
  };

  const pick = (q: HistoryQuery): Resolution => {
    if (q.resolution && q.resolution !== 'auto') return q.resolution;
    const now = clock.now();
    const r = retention();
    const span = q.to - q.from;
    if (span <= AUTO_RAW_MAX_SPAN_MS && q.from >= now - r.rawHours * 3_600_000) return 'raw';
    if (span <= AUTO_1M_MAX_SPAN_MS && q.from >= now - r.oneMinuteDays * 86_400_000) return '1m';
    return '15m';
  };

  return {
    read,
    pick,
    series(q, key) {
      if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.from > q.to) {
        throw new HashwatchError('ValidationError', 'History range needs finite from <= to (ms).');
      }
      const resolution = pick(q);
      const points = read(key, resolution, q.from, q.to);
      return {
        minerId: q.minerId ?? null,
        resolution,
        bucketMs: BUCKET_MS[resolution],
        from: q.from,
        to: q.to,
        points: q.maxPoints ? downsample(points, q.maxPoints) : points,
      };
    },
  };
}

/** Slice length for streaming a CSV export of one resolution (bounded memory per slice). */
export const CSV_SLICE_MS: Record<Resolution, number> = {
  raw: 3_600_000,
  '1m': 86_400_000,
  '15m': 30 * 86_400_000,
};
