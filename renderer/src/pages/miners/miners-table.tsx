/**
 * The Miners table: a semantic table with sortable headers whose body renders only the rows in view
 * (fixed row height, spacer rows above and below), so 10,000 miners scroll smoothly.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MinerRecord } from '../../../../shared/miner.js';
import type { FreshnessContext } from '../../logic/freshness.js';
import { MINER_COLUMNS, type MinerColumnKey, type MinerSort } from '../../logic/miner-table.js';
import { computeRowWindow } from '../../logic/virtual-window.js';
import { MinerRow } from './miner-row.js';

/** Must match `.miner-row` height in styles.css. */
export const ROW_HEIGHT_PX = 30;
const OVERSCAN_ROWS = 10;

export interface MinersTableProps {
  rows: readonly MinerRecord[];
  ctx: FreshnessContext;
  sort: MinerSort;
  selectedId: string | null;
  onSort(key: MinerColumnKey): void;
  onOpen(id: string): void;
  /** Changes when the sort or the filters change: the view then returns to the top. */
  resetKey: string;
  /** Shown in the body when there are no rows (loading, empty inventory, nothing matches). */
  emptyMessage: string;
}

const HEADER_PX = 31;

export function MinersTable({
  rows,
  ctx,
  sort,
  selectedId,
  onSort,
  onOpen,
  resetKey,
  emptyMessage,
}: MinersTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTopPx, setScrollTopPx] = useState(0);
  const [viewportPx, setViewportPx] = useState(800);
  const frame = useRef<number | null>(null);
  /** Row index to focus after the next render (keyboard navigation may need rows rendered first). */
  const pendingFocus = useRef<number | null>(null);

  useEffect(() => {
    const el = scrollRef.current;
    if (el && el.scrollTop !== 0) {
      el.scrollTop = 0;
      setScrollTopPx(0);
    }
  }, [resetKey]);

  useLayoutEffect(() => {
    const idx = pendingFocus.current;
    if (idx === null) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`tr[aria-rowindex="${idx + 2}"]`);
    if (row) {
      pendingFocus.current = null;
      row.focus({ preventScroll: true });
    }
  });

  /** Arrow keys, Page Up/Down, Home and End move between rows, scrolling the window along. */
  const onKeyDown = (e: React.KeyboardEvent<HTMLTableSectionElement>) => {
    const el = scrollRef.current;
    const from = (e.target as HTMLElement).closest('tr')?.getAttribute('aria-rowindex');
    if (!el || !from || rows.length === 0) return;
    const cur = Number(from) - 2;
    const page = Math.max(1, Math.floor((el.clientHeight - HEADER_PX) / ROW_HEIGHT_PX) - 1);
    const moves: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: cur - 1,
      PageDown: cur + page,
      PageUp: cur - page,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault();
    const next = Math.min(rows.length - 1, Math.max(0, target));
    const top = next * ROW_HEIGHT_PX;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT_PX + HEADER_PX > el.scrollTop + el.clientHeight) {
      el.scrollTop = top + ROW_HEIGHT_PX + HEADER_PX - el.clientHeight;
    }
    pendingFocus.current = next;
    setScrollTopPx(el.scrollTop);
    // Rows already rendered take focus at once; others after the render the scroll causes.
    const row = el.querySelector<HTMLElement>(`tr[aria-rowindex="${next + 2}"]`);
    if (row) {
      pendingFocus.current = null;
      row.focus({ preventScroll: true });
    }
  };

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setViewportPx(el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewportPx(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const onScroll = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      if (scrollRef.current) setScrollTopPx(scrollRef.current.scrollTop);
    });
  }, []);

  const win = computeRowWindow({
    scrollTopPx,
    viewportPx,
    total: rows.length,
    rowPx: ROW_HEIGHT_PX,
    overscan: OVERSCAN_ROWS,
  });
  const visible = rows.slice(win.start, win.end);
  const colSpan = MINER_COLUMNS.length;

  return (
    <div className="table-scroll" ref={scrollRef} onScroll={onScroll}>
      <table className="table miners" data-testid="miners-table" aria-rowcount={rows.length + 1}>
        <caption className="sr-only">
          Miners, {sortCaption(sort)}. Arrow keys move between rows; Enter opens a miner’s details.
        </caption>
        <colgroup>
          {MINER_COLUMNS.map((c) => (
            <col key={c.key} style={{ width: c.widthPx }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {MINER_COLUMNS.map((c) => {
              const active = sort.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  title={c.description}
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() => onSort(c.key)}
                    data-testid={`sort-${c.key}`}
                  >
                    {c.label}
                    <span className="sort-mark" aria-hidden="true">
                      {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {rows.length === 0 ? (
            <tr className="empty-row" data-testid="miners-empty">
              <td colSpan={colSpan}>{emptyMessage}</td>
            </tr>
          ) : null}
          {win.padTopPx > 0 ? (
            <tr className="spacer" aria-hidden="true" style={{ height: win.padTopPx }}>
              <td colSpan={colSpan} />
            </tr>
          ) : null}
          {visible.map((r, i) => (
            <MinerRow
              key={r.id}
              record={r}
              ctx={ctx}
              index={win.start + i}
              selected={r.id === selectedId}
              onOpen={onOpen}
            />
          ))}
          {win.padBottomPx > 0 ? (
            <tr className="spacer" aria-hidden="true" style={{ height: win.padBottomPx }}>
              <td colSpan={colSpan} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function sortCaption(sort: MinerSort): string {
  const col = MINER_COLUMNS.find((c) => c.key === sort.key);
  return `sorted by ${col?.description ?? sort.key}, ${sort.dir === 'asc' ? 'ascending' : 'descending'}`;
}
