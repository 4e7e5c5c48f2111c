/**
 * Chart geometry for the hand-written SVG line charts: scales, ticks and paths.
 *
 * Pure, so the scaling rules are unit-tested: a gap in the data (null, or a hole longer than
 * `gapMs`) breaks the line instead of drawing a straight segment across a period with no data, and
 * the y axis starts at 0 for quantities like hashrate and power so a 2 % dip does not look like a crash.
 */

/** One plotted value; `v` null is a gap. */
export interface ChartPoint {
  t: number;
  v: number | null;
}

/** A linear map from a domain to a pixel range. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0;
  if (span === 0 || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  return (x) => r0 + ((x - d0) / span) * (r1 - r0);
}

/** A "nice" step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks over `span`. */
export function niceStep(span: number, count: number, integer = false): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  if (integer && raw <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  // Whole-unit axes (temperatures shown without decimals) skip 2.5, which would print 72.5 as 73.
  const mult = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 && !(integer && pow === 1) ? 2.5 : m <= 5 ? 5 : 10;
  return mult * pow;
}

/**
 * The y domain and its ticks: from 0 (or the minimum when `fromZero` is false) to a nice maximum,
 * at least `minSpan` tall, on whole-number ticks when `integer` is set.
 */
export function yAxis(
  values: readonly (number | null)[],
  opts: { fromZero?: boolean; ticks?: number; minSpan?: number; integer?: boolean } = {},
): { min: number; max: number; ticks: number[] } {
  const fromZero = opts.fromZero ?? true;
  const count = opts.ticks ?? 4;
  const minSpan = opts.minSpan ?? 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { min: 0, max: 1, ticks: [0, 1] };
  if (fromZero) lo = Math.min(0, lo);
  // A nearly flat series (a chip steady at 74-75 degC) is drawn flat, not as a cliff.
  if (hi - lo < minSpan) {
    const mid = (hi + lo) / 2;
    lo = fromZero && lo >= 0 ? Math.max(0, mid - minSpan / 2) : mid - minSpan / 2;
    hi = lo + minSpan;
  }
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
  const step = niceStep(hi - lo, count, opts.integer ?? false);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min, max, ticks };
}

/** Time ticks at round local-free steps (UTC-aligned multiples of 5 min ... 1 day) across [t0, t1]. */
export function timeTicks(t0: number, t1: number, count = 6): number[] {
  const span = t1 - t0;
  if (!(span > 0)) return [];
  const steps = [
    60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
    86_400_000,
  ];
  const step = steps.find((s) => span / s <= count) ?? 86_400_000 * Math.ceil(span / 86_400_000 / count);
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

/**
 * An SVG path (`M x y L x y ...`) for the points, broken at nulls and at holes longer than `gapMs`.
 * Points must be sorted by time.
 */
export function linePath(
  points: readonly ChartPoint[],
  x: (t: number) => number,
  y: (v: number) => number,
  gapMs = Infinity,
): string {
  let d = '';
  let lastT: number | null = null;
  let pen = false;
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) {
      pen = false;
      continue;
    }
    if (lastT !== null && p.t - lastT > gapMs) pen = false;
    d += `${pen ? 'L' : 'M'}${round(x(p.t))} ${round(y(p.v))}`;
    pen = true;
    lastT = p.t;
  }
  return d;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The typical spacing of the points (median step), for gap detection; null with fewer than 2 points. */
export function typicalStepMs(points: readonly { t: number }[]): number | null {
  if (points.length < 2) return null;
  const steps: number[] = [];
  for (let i = 1; i < points.length; i++) steps.push(points[i]!.t - points[i - 1]!.t);
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? null;
}

/** The index of the point nearest to time `t` (points sorted by time); -1 when there are none. */
export function nearestIndex(points: readonly { t: number }[], t: number): number {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1]!.t - t) <= Math.abs(points[lo]!.t - t)) return lo - 1;
  return lo;
}
