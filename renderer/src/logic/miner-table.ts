/**
 * The Miners table's columns, sorting and filtering, as pure functions over records.
 *
 * Kept out of React so the rules are unit-tested and so 10,000 rows are sorted once per change, not
 * once per render. Sorting uses what the table shows: an offline miner has no hashrate (it sorts with
 * the unknowns, always last), a stale miner keeps its last figures (shown marked as stale).
 */
import type { MinerRecord } from '../../../shared/miner.js';
import { displayFreshness, isFailing, isMiningState, lastSeenMs, shownSnapshot } from './freshness.js';
import type { DisplayFreshness, FreshnessContext } from './freshness.js';
import { summariseFans, summarisePools } from './miner-summary.js';

export type MinerColumnKey =
  | 'address'
  | 'mac'
  | 'model'
  | 'firmware'
  | 'state'
  | 'hashrateThs'
  | 'hashrateAvgThs'
  | 'powerW'
  | 'efficiencyJth'
  | 'chipTempMaxC'
  | 'fans'
  | 'pools'
  | 'uptimeS'
  | 'freshness';

export interface MinerColumn {
  key: MinerColumnKey;
  /** Header text, with the unit where the column has one. */
  label: string;
  /** Longer description for the header's title and screen readers. */
  description: string;
  numeric: boolean;
  /** Column width in px (the table uses a fixed layout so rows never shift while values change). */
  widthPx: number;
}

/** Every column of the Miners table, in display order. */
export const MINER_COLUMNS: readonly MinerColumn[] = [
  { key: 'address', label: 'Address', description: 'IP address and port', numeric: false, widthPx: 112 },
  { key: 'mac', label: 'MAC', description: 'MAC address', numeric: false, widthPx: 140 },
  { key: 'model', label: 'Model', description: 'Miner model', numeric: false, widthPx: 100 },
  {
    key: 'firmware',
    label: 'Firmware',
    description: 'Firmware name and version',
    numeric: false,
    widthPx: 70,
  },
  { key: 'state', label: 'State', description: 'Miner state', numeric: false, widthPx: 90 },
  { key: 'hashrateThs', label: 'TH/s', description: 'Realtime hashrate, TH/s', numeric: true, widthPx: 64 },
  {
    key: 'hashrateAvgThs',
    label: 'Avg TH/s',
    description: 'Average hashrate, TH/s',
    numeric: true,
    widthPx: 68,
  },
  { key: 'powerW', label: 'W', description: 'Power, W', numeric: true, widthPx: 60 },
  { key: 'efficiencyJth', label: 'J/TH', description: 'Efficiency, J/TH', numeric: true, widthPx: 56 },
  { key: 'chipTempMaxC', label: 'Chip °C', description: 'Hottest chip, °C', numeric: true, widthPx: 66 },
  {
    key: 'fans',
    label: 'Fans',
    description: 'Fans: how many are ok or lost (slowest rpm when the firmware does not say)',
    numeric: false,
    widthPx: 72,
  },
  {
    key: 'pools',
    label: 'Pools',
    description: 'User pools: status and how many are up',
    numeric: false,
    widthPx: 88,
  },
  { key: 'uptimeS', label: 'Uptime', description: 'Uptime', numeric: true, widthPx: 72 },
  {
    key: 'freshness',
    label: 'Updated',
    description: 'Age of the data and whether it is live',
    numeric: true,
    widthPx: 84,
  },
];

export type SortDir = 'asc' | 'desc';
export interface MinerSort {
  key: MinerColumnKey;
  dir: SortDir;
}

/** Which miners the state filter lets through. */
export type StateFilter = 'all' | 'mining' | 'not-mining' | 'failing' | 'stale' | 'offline';

export const STATE_FILTERS: ReadonlyArray<{ value: StateFilter; label: string }> = [
  { value: 'all', label: 'All states' },
  { value: 'mining', label: 'Mining' },
  { value: 'not-mining', label: 'Online, not mining' },
  { value: 'failing', label: 'Failing' },
  { value: 'stale', label: 'Stale data' },
  { value: 'offline', label: 'Offline / never seen' },
];

/**
 * A model name without the `Antminer ` prefix every vnish-capable unit shares (the table has room for
 * what tells units apart; the full name is in the cell's title and the drawer).
 */
export function shortModel(model: string | null | undefined): string | null {
  if (!model) return null;
  return model.replace(/^Antminer\s+/i, '');
}

/** The state word shown for a record: the miner's own state, or why there is none. */
export function displayState(record: MinerRecord, freshness: DisplayFreshness): string {
  if (freshness === 'offline') return 'offline';
  if (freshness === 'never') return 'not polled yet';
  return record.snapshot?.state ?? 'unknown';
}

const addressKeys = new Map<string, string>();

/** A sortable form of an address: IPv4 octets and port compare as numbers. */
export function addressSortKey(address: string): string {
  let key = addressKeys.get(address);
  if (key === undefined) {
    key = computeAddressKey(address);
    // Bounded: a farm has a few thousand addresses; a runaway cache is cleared rather than grown.
    if (addressKeys.size > 200_000) addressKeys.clear();
    addressKeys.set(address, key);
  }
  return key;
}

function computeAddressKey(address: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d{1,5}))?$/.exec(address);
  if (!m) return `~${address.toLowerCase()}`;
  const parts = m.slice(1, 5).map((o) => o!.padStart(3, '0'));
  return `${parts.join('.')}:${(m[5] ?? '0').padStart(5, '0')}`;
}

type SortValue = string | number | null;

/** The value a record sorts by in one column (null: unknown, always sorted last). */
export function sortValue(record: MinerRecord, key: MinerColumnKey, ctx: FreshnessContext): SortValue {
  const fr = displayFreshness(record, ctx);
  const snap = shownSnapshot(record, fr);
  switch (key) {
    case 'address':
      return addressSortKey(record.address);
    case 'mac':
      return record.mac;
    case 'model':
      return record.snapshot?.model?.toLowerCase() ?? null;
    case 'firmware': {
      const v = record.snapshot?.firmware.version;
      return v ? `${record.snapshot?.firmware.name ?? ''} ${v}`.toLowerCase() : null;
    }
    case 'state':
      return displayState(record, fr);
    case 'hashrateThs':
      return snap?.hashrateThs ?? null;
    case 'hashrateAvgThs':
      return snap?.hashrateAvgThs ?? null;
    case 'powerW':
      return snap?.powerW ?? null;
    case 'efficiencyJth':
      return snap?.efficiencyJth ?? null;
    case 'chipTempMaxC':
      return snap?.chipTempMaxC ?? null;
    case 'fans':
      return snap ? summariseFans(snap.fans).rank : null;
    case 'pools':
      return snap ? summarisePools(snap.pools).rank : null;
    case 'uptimeS':
      return snap?.uptimeS ?? null;
    case 'freshness': {
      // Newest answer first when ascending (smallest age). Ages all grow together, so ordering by the
      // time itself gives the same order without depending on "now".
      const seen = lastSeenMs(record);
      return seen === null ? null : -seen;
    }
  }
}

/** Sorts records by one column; unknown values go last in both directions, ties break by address. */
export function sortMiners(
  records: readonly MinerRecord[],
  sort: MinerSort,
  ctx: FreshnessContext,
): MinerRecord[] {
  // Unknowns are split off first so the hot comparator only sees values of one kind.
  const known: Array<{ r: MinerRecord; v: string | number; a: string }> = [];
  const unknown: Array<{ r: MinerRecord; v: null; a: string }> = [];
  for (const r of records) {
    const v = sortValue(r, sort.key, ctx);
    const a = addressSortKey(r.address);
    if (v === null) unknown.push({ r, v, a });
    else known.push({ r, v, a });
  }
  const sign = sort.dir === 'asc' ? 1 : -1;
  const tie = (x: { r: MinerRecord; a: string }, y: { r: MinerRecord; a: string }) =>
    x.a < y.a ? -1 : x.a > y.a ? 1 : x.r.id < y.r.id ? -1 : x.r.id > y.r.id ? 1 : 0;
  known.sort((x, y) => {
    if (x.v !== y.v) {
      if (typeof x.v === 'number' && typeof y.v === 'number') return (x.v - y.v) * sign;
      return String(x.v) < String(y.v) ? -sign : sign;
    }
    return tie(x, y);
  });
  unknown.sort(tie);
  const out = new Array<MinerRecord>(records.length);
  let i = 0;
  for (const k of known) out[i++] = k.r;
  for (const k of unknown) out[i++] = k.r;
  return out;
}

// Records are replaced (never mutated) when they change, so a cache keyed by the object stays valid.
const haystacks = new WeakMap<MinerRecord, string>();
function haystack(r: MinerRecord): string {
  let h = haystacks.get(r);
  if (h === undefined) {
    const s = r.snapshot;
    h = [
      r.id,
      r.address,
      r.mac,
      s?.hostname,
      s?.model,
      s?.modelCode,
      s?.firmware.name,
      s?.firmware.version,
      s?.state,
      s?.preset.running,
      ...Object.entries(r.labels).flat(),
    ]
      .filter((x): x is string => typeof x === 'string' && x.length > 0)
      .join('\n')
      .toLowerCase();
    haystacks.set(r, h);
  }
  return h;
}

/** Whether a record matches the filter text: every whitespace-separated word must appear somewhere. */
export function matchesText(record: MinerRecord, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const h = haystack(record);
  return words.every((w) => h.includes(w));
}

/** Splits filter text into lower-case words. */
export function filterWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether a record passes the state filter. */
export function matchesState(record: MinerRecord, filter: StateFilter, ctx: FreshnessContext): boolean {
  if (filter === 'all') return true;
  const fr = displayFreshness(record, ctx);
  switch (filter) {
    case 'offline':
      return fr === 'offline' || fr === 'never';
    case 'stale':
      return fr === 'stale';
    case 'mining':
      return fr === 'live' && isMiningState(record.snapshot);
    case 'not-mining':
      return fr === 'live' && !isMiningState(record.snapshot);
    case 'failing':
      return fr === 'live' && isFailing(record.snapshot);
  }
}

/** Everything the visible rows depend on. */
export interface MinerRowsInput {
  records: ReadonlyMap<string, MinerRecord>;
  /** Bumped on every change of `records` (the map is updated in place). */
  version: number;
  sort: MinerSort;
  filterText: string;
  stateFilter: StateFilter;
  ctx: FreshnessContext;
}

/** Filters then sorts. */
export function computeMinerRows(input: MinerRowsInput): MinerRecord[] {
  const words = filterWords(input.filterText);
  const kept: MinerRecord[] = [];
  for (const r of input.records.values()) {
    if (matchesText(r, words) && matchesState(r, input.stateFilter, input.ctx)) kept.push(r);
  }
  return sortMiners(kept, input.sort, input.ctx);
}

/**
 * Whether the rows depend on "now": sort values never do (a stale miner keeps its figures, an
 * offline one has none either way, and ages grow together), but the filters that ask "is it live"
 * do, since a live miner turns stale with time.
 */
export function rowsDependOnTime(stateFilter: StateFilter): boolean {
  return stateFilter !== 'all' && stateFilter !== 'offline';
}

/**
 * A memoised `computeMinerRows`: the same inputs give the same array (same reference), so React
 * renders nothing when nothing the table shows has changed, and the clock advancing does not re-sort
 * 10,000 rows unless a filter depends on it.
 */
export function createMinerRowsMemo(): (input: MinerRowsInput) => MinerRecord[] {
  let last: MinerRowsInput | null = null;
  let rows: MinerRecord[] = [];
  return (input) => {
    if (
      last &&
      last.records === input.records &&
      last.version === input.version &&
      last.sort.key === input.sort.key &&
      last.sort.dir === input.sort.dir &&
      last.filterText === input.filterText &&
      last.stateFilter === input.stateFilter &&
      (last.ctx.nowMs === input.ctx.nowMs || !rowsDependOnTime(input.stateFilter)) &&
      last.ctx.staleAfterMs === input.ctx.staleAfterMs &&
      last.ctx.connected === input.ctx.connected
    ) {
      return rows;
    }
    last = input;
    rows = computeMinerRows(input);
    return rows;
  };
}
