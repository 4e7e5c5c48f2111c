/**
 * Progress arithmetic for the scan bar: never NaN, never over 100 %, never backwards.
 */

/** Fraction done in [0, 1]; 0 while the total is unknown (0), 1 when done. */
export function progressFraction(probed: number, total: number, done = false): number {
  if (done) return 1;
  if (!Number.isFinite(probed) || !Number.isFinite(total) || total <= 0 || probed <= 0) return 0;
  return Math.min(1, probed / total);
}

/** The bar's label: `512 / 1,024 probed (50 %)`. */
export function progressLabel(probed: number, total: number, done = false): string {
  const pct = Math.floor(progressFraction(probed, total, done) * 100);
  const fmt = (n: number) => new Intl.NumberFormat('en-US').format(Math.max(0, Math.round(n)));
  return `${fmt(Math.min(probed, total))} / ${fmt(total)} probed (${pct} %)`;
}

/** The latest of two progress reports for the same scan: events may arrive after the final one. */
export function laterProgress<P extends { probed: number; done: boolean }>(prev: P | null, next: P): P {
  if (!prev) return next;
  if (prev.done && !next.done) return prev;
  if (!next.done && next.probed < prev.probed) return prev;
  return next;
}
