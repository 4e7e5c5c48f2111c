/**
 * Miners: every miner in the inventory, live from `fleet.tick`; sort, filter, and a detail drawer.
 */
import { useCallback, useId } from 'react';
import { PageHeader } from '../../components/page-header.js';
import { formatCount, formatNumber } from '../../logic/format.js';
import { STATE_FILTERS, type MinerColumnKey, type StateFilter } from '../../logic/miner-table.js';
import { createFreshnessContextSelector, createMinerRowsSelector } from '../../store/selectors.js';
import { useAppStore, useAppStoreApi, useMemoSelector } from '../../store/store-context.js';
import { MinerDrawer } from './miner-drawer.js';
import { MinersTable } from './miners-table.js';

export function MinersPage() {
  const store = useAppStoreApi();
  const rows = useMemoSelector(createMinerRowsSelector);
  const ctx = useMemoSelector(createFreshnessContextSelector);
  const total = useAppStore((s) => s.minersById.size);
  const loaded = useAppStore((s) => s.minersLoaded);
  const error = useAppStore((s) => s.minersError);
  const sort = useAppStore((s) => s.minersSort);
  const filter = useAppStore((s) => s.minersFilter);
  const stateFilter = useAppStore((s) => s.minersStateFilter);
  const selectedId = useAppStore((s) => s.selectedMinerId);
  const filterId = useId();
  const stateId = useId();

  const onSort = useCallback((key: MinerColumnKey) => store.getState().sortMinersBy(key), [store]);
  const onOpen = useCallback((id: string) => store.getState().selectMiner(id), [store]);
  const filtered = rows.length !== total;

  return (
    <div className="page page-miners" data-testid="page-miners">
      <PageHeader title="Miners">
        <span className="muted" data-testid="miners-count" data-count={rows.length} data-total={total}>
          {!loaded
            ? 'Loading…'
            : filtered
              ? `${formatNumber(rows.length)} of ${formatNumber(total)} miners`
              : formatCount(total, 'miner')}
        </span>
      </PageHeader>

      <div className="toolbar" role="search">
        <label htmlFor={filterId} className="sr-only">
          Filter miners
        </label>
        <input
          id={filterId}
          type="search"
          className="input"
          placeholder="Filter: address, MAC, model, firmware, state…"
          value={filter}
          onChange={(e) => store.getState().setMinersFilter(e.target.value)}
          data-testid="miners-filter"
        />
        <label htmlFor={stateId} className="sr-only">
          State
        </label>
        <select
          id={stateId}
          className="input"
          value={stateFilter}
          onChange={(e) => store.getState().setMinersStateFilter(e.target.value as StateFilter)}
          data-testid="miners-state-filter"
        >
          {STATE_FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        {filter || stateFilter !== 'all' ? (
          <button
            type="button"
            className="button subtle"
            onClick={() => {
              store.getState().setMinersFilter('');
              store.getState().setMinersStateFilter('all');
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {error ? (
        <div className="callout tone-bad" role="alert">
          Could not load the miners: {error.message}
        </div>
      ) : null}

      <div className="miners-body">
        <MinersTable
          rows={rows}
          ctx={ctx}
          sort={sort}
          selectedId={selectedId}
          onSort={onSort}
          onOpen={onOpen}
          resetKey={`${filter}\n${stateFilter}\n${sort.key}\n${sort.dir}`}
          emptyMessage={
            !loaded
              ? 'Loading miners…'
              : total === 0
                ? 'No miners yet. Hashwatch has not found any; Discovery adds them to the inventory.'
                : 'No miner matches these filters.'
          }
        />
        <MinerDrawer />
      </div>
    </div>
  );
}
