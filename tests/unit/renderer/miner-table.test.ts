import { describe, expect, it } from 'vitest';
import {
  addressSortKey,
  computeMinerRows,
  createMinerRowsMemo,
  sortMiners,
  type MinerRowsInput,
} from '../../../renderer/src/logic/miner-table.js';
import { summariseFans, summarisePools } from '../../../renderer/src/logic/miner-summary.js';
import { createMinerRowsSelector } from '../../../renderer/src/store/selectors.js';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import type { MinerRecord } from '../../../shared/miner.js';
import { ctxAt, iso, miner, T0 } from './fixtures.js';

const ids = (rows: readonly MinerRecord[]) => rows.map((r) => r.address);

describe('sorting', () => {
  it('orders addresses numerically, not as text', () => {
    const rows = [miner(10), miner(2), miner(100), miner(1)];
    expect(ids(sortMiners(rows, { key: 'address', dir: 'asc' }, ctxAt()))).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.10',
      '10.0.0.100',
    ]);
    expect(addressSortKey('10.0.0.2:8080') > addressSortKey('10.0.0.2')).toBe(true);
  });

  it('sorts by hashrate with unknowns (offline) last in both directions', () => {
    const rows = [
      miner(1, {}, { hashrateThs: 50 }),
      miner(2, { freshness: 'offline' }, { hashrateThs: 500 }),
      miner(3, {}, { hashrateThs: 150 }),
      miner(4, {}, { hashrateThs: null }),
    ];
    expect(ids(sortMiners(rows, { key: 'hashrateThs', dir: 'desc' }, ctxAt()))).toEqual([
      '10.0.0.3',
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.4',
    ]);
    expect(ids(sortMiners(rows, { key: 'hashrateThs', dir: 'asc' }, ctxAt()))).toEqual([
      '10.0.0.1',
      '10.0.0.3',
      '10.0.0.2',
      '10.0.0.4',
    ]);
  });

  it('sorts by freshness age, oldest last when ascending', () => {
    const rows = [
      miner(1, { lastSeenAt: iso(T0 - 60_000) }),
      miner(2, { lastSeenAt: iso(T0 - 1_000) }),
      miner(3, { freshness: 'never', lastSeenAt: null }, null),
    ];
    expect(ids(sortMiners(rows, { key: 'freshness', dir: 'asc' }, ctxAt()))).toEqual([
      '10.0.0.2',
      '10.0.0.1',
      '10.0.0.3',
    ]);
  });

  it('sorts pools by health: down before active when ascending', () => {
    const down = miner(
      1,
      {},
      {
        pools: [{ url: 'u', user: 'w', status: 'offline', accepted: 0, rejected: 0, stale: 0, type: 'user' }],
      },
    );
    const ok = miner(2);
    expect(ids(sortMiners([ok, down], { key: 'pools', dir: 'asc' }, ctxAt()))).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
  });
});

describe('filtering', () => {
  const fleet = new Map(
    [
      miner(1, {}, { model: 'Antminer S21', firmware: { name: 'Vnish', version: '1.3.4' } }),
      miner(2, {}, { state: 'failure' }),
      miner(3, { freshness: 'offline' }),
      miner(4, { freshness: 'stale' }),
      miner(5, {}, { state: 'stopped' }),
      miner(6, { labels: { rack: 'R12' } }),
    ].map((r) => [r.id, r]),
  );
  const input = (over: Partial<MinerRowsInput>): MinerRowsInput => ({
    records: fleet,
    version: 1,
    sort: { key: 'address', dir: 'asc' },
    filterText: '',
    stateFilter: 'all',
    ctx: ctxAt(),
    ...over,
  });

  it('matches every word of the filter text anywhere (model, firmware, MAC, labels), case-insensitively', () => {
    expect(ids(computeMinerRows(input({ filterText: 's21 1.3.4' })))).toEqual(['10.0.0.1']);
    expect(ids(computeMinerRows(input({ filterText: 'r12' })))).toEqual(['10.0.0.6']);
    expect(ids(computeMinerRows(input({ filterText: '02:00:00:00:00:05' })))).toEqual(['10.0.0.5']);
    expect(computeMinerRows(input({ filterText: 's21 nothing' }))).toEqual([]);
  });

  it('filters by state group', () => {
    expect(ids(computeMinerRows(input({ stateFilter: 'failing' })))).toEqual(['10.0.0.2']);
    expect(ids(computeMinerRows(input({ stateFilter: 'offline' })))).toEqual(['10.0.0.3']);
    expect(ids(computeMinerRows(input({ stateFilter: 'stale' })))).toEqual(['10.0.0.4']);
    expect(ids(computeMinerRows(input({ stateFilter: 'not-mining' })))).toEqual(['10.0.0.2', '10.0.0.5']);
    expect(ids(computeMinerRows(input({ stateFilter: 'mining' })))).toEqual(['10.0.0.1', '10.0.0.6']);
  });
});

describe('memoised rows', () => {
  it('returns the same array while nothing changed, a new one after a tick', () => {
    const memo = createMinerRowsMemo();
    const records = new Map([[miner(1).id, miner(1)]]);
    const base: MinerRowsInput = {
      records,
      version: 1,
      sort: { key: 'address', dir: 'asc' },
      filterText: '',
      stateFilter: 'all',
      ctx: ctxAt(),
    };
    const a = memo(base);
    expect(memo({ ...base, sort: { key: 'address', dir: 'asc' }, ctx: ctxAt() })).toBe(a);
    expect(memo({ ...base, version: 2 })).not.toBe(a);
  });

  it('the clock advancing does not re-sort, unless a filter asks "is it live"', () => {
    const memo = createMinerRowsMemo();
    const records = new Map([miner(1), miner(2, { lastSeenAt: iso(T0 - 20_000) })].map((r) => [r.id, r]));
    const base: MinerRowsInput = {
      records,
      version: 1,
      sort: { key: 'hashrateThs', dir: 'desc' },
      filterText: '',
      stateFilter: 'all',
      ctx: ctxAt(),
    };
    const a = memo(base);
    expect(memo({ ...base, ctx: ctxAt(10_000) })).toBe(a);
    // With "mining" (live only), miner 2 ages past the 25 s threshold and drops out.
    expect(ids(memo({ ...base, stateFilter: 'mining' }))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ids(memo({ ...base, stateFilter: 'mining', ctx: ctxAt(10_000) }))).toEqual(['10.0.0.1']);
  });

  it('the store selector follows ticks, sort and filter', () => {
    const store = createAppStore({ nowMs: T0 });
    const select = createMinerRowsSelector();
    store.getState().setConnection({ status: 'open' });
    store.getState().replaceMiners([miner(1, {}, { hashrateThs: 10 }), miner(2, {}, { hashrateThs: 20 })]);
    const first = select(store.getState());
    expect(select(store.getState())).toBe(first);
    store.getState().sortMinersBy('hashrateThs');
    expect(ids(select(store.getState()))).toEqual(['10.0.0.2', '10.0.0.1']);
    store.getState().applyTick({ at: iso(T0), changed: [miner(1, {}, { hashrateThs: 30 })], removed: [] });
    expect(ids(select(store.getState()))).toEqual(['10.0.0.1', '10.0.0.2']);
    store.getState().setMinersFilter('10.0.0.2');
    expect(ids(select(store.getState()))).toEqual(['10.0.0.2']);
  });
});

describe('cell summaries', () => {
  it('pools: active user pool is ok, devfee pools are ignored, all down is bad', () => {
    const p = (status: string, type: 'user' | 'devfee' = 'user') => ({
      url: 'u',
      user: 'w',
      status,
      accepted: 0,
      rejected: 0,
      stale: 0,
      type,
    });
    expect(summarisePools([p('active'), p('working'), p('offline')])).toMatchObject({
      text: 'active 2/3',
      tone: 'ok',
    });
    expect(summarisePools([p('offline'), p('working', 'devfee')])).toMatchObject({
      text: 'down 0/1',
      tone: 'bad',
    });
    expect(summarisePools([p('rejecting')])).toMatchObject({ tone: 'warn' });
    expect(summarisePools([])).toMatchObject({ text: 'none', rank: null });
  });

  it('fans: a lost fan is bad; unknown status shows count and slowest rpm', () => {
    expect(
      summariseFans([
        { rpm: 0, ok: false },
        { rpm: 5000, ok: true },
      ]),
    ).toMatchObject({ text: '1 lost', tone: 'bad', detail: 'slowest 0 rpm' });
    expect(
      summariseFans([
        { rpm: 4800, ok: null },
        { rpm: 5000, ok: null },
      ]),
    ).toMatchObject({ text: '2 · 4,800' });
    expect(summariseFans([{ rpm: 4800, ok: true }])).toMatchObject({ text: '1 ok', tone: 'ok' });
  });
});
