/**
 * Which rows of a long fixed-height list are on screen.
 *
 * The Miners table renders only these (plus a margin) between two spacer rows, so 10,000 miners cost
 * the DOM about as much as 50. Pure so it is unit-tested.
 */
export interface RowWindow {
  /** First rendered row index (inclusive). */
  start: number;
  /** Last rendered row index (exclusive). */
  end: number;
  /** Height of the spacer above the rendered rows, px. */
  padTopPx: number;
  /** Height of the spacer below, px. */
  padBottomPx: number;
}

/** The rows to render for a scroll position. */
export function computeRowWindow(opts: {
  scrollTopPx: number;
  viewportPx: number;
  total: number;
  rowPx: number;
  /** Rows rendered beyond each edge so fast scrolling does not show blanks. */
  overscan: number;
}): RowWindow {
  const { total, rowPx, overscan } = opts;
  if (total <= 0 || rowPx <= 0) return { start: 0, end: 0, padTopPx: 0, padBottomPx: 0 };
  const top = Math.max(0, opts.scrollTopPx);
  const first = Math.min(total - 1, Math.floor(top / rowPx));
  const visible = Math.ceil(Math.max(0, opts.viewportPx) / rowPx) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + visible + overscan);
  return { start, end, padTopPx: start * rowPx, padBottomPx: (total - end) * rowPx };
}
