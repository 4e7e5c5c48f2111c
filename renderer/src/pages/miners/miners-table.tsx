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
}

export function MinersTable({ rows, ctx, sort, selectedId, onSort, onOpen }: MinersTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTopPx, setScrollTopPx] = useState(0);
  const [viewportPx, setViewportPx] = useState(800);
  const frame = useRef<number | null>(null);

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
        <caption className="sr-only">Miners, {sortCaption(sort)}. Select a row for details.</caption>
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
        <tbody>
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
