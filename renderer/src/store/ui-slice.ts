/**
 * UI slice: the current page and the technician's view preferences (sort, filters, selection).
 */
import type { MinerColumnKey, MinerSort, StateFilter } from '../logic/miner-table.js';
import { MINER_COLUMNS } from '../logic/miner-table.js';
import { DEFAULT_PAGE, type PageId } from '../pages/page-ids.js';
import type { SliceCreator } from './types.js';

/** The UI slice. */
export interface UiSlice {
  page: PageId;
  minersSort: MinerSort;
  minersFilter: string;
  minersStateFilter: StateFilter;
  /** The miner whose detail drawer is open. */
  selectedMinerId: string | null;
  setPage(page: PageId): void;
  /** Sorts by a column; choosing the current column again flips the direction. */
  sortMinersBy(key: MinerColumnKey): void;
  setMinersFilter(text: string): void;
  setMinersStateFilter(filter: StateFilter): void;
  selectMiner(id: string | null): void;
}

/** Numeric columns start descending (biggest first); text columns ascending. */
function initialDir(key: MinerColumnKey): MinerSort['dir'] {
  return MINER_COLUMNS.find((c) => c.key === key)?.numeric && key !== 'freshness' ? 'desc' : 'asc';
}

/** Starts on the dashboard, sorted by address. */
export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  page: DEFAULT_PAGE,
  minersSort: { key: 'address', dir: 'asc' },
  minersFilter: '',
  minersStateFilter: 'all',
  selectedMinerId: null,
  setPage(page) {
    if (get().page !== page) set({ page });
  },
  sortMinersBy(key) {
    const cur = get().minersSort;
    set({
      minersSort:
        cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: initialDir(key) },
    });
  },
  setMinersFilter(text) {
    set({ minersFilter: text });
  },
  setMinersStateFilter(filter) {
    set({ minersStateFilter: filter });
  },
  selectMiner(id) {
    set({ selectedMinerId: id });
  },
});
