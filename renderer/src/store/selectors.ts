/**
 * Memoised selectors over the store.
 *
 * zustand re-runs a selector on every store change and re-renders when its result is a new object, so
 * anything derived (the freshness context, 10,000 sorted rows, fleet KPIs) is memoised on exactly the
 * inputs it reads. Each factory returns an independent memo: one per component instance or test.
 */
import type { MinerRecord } from '../../../shared/miner.js';
import type { FreshnessContext } from '../logic/freshness.js';
import { computeFleetKpis, type FleetKpis } from '../logic/kpis.js';
import { createMinerRowsMemo } from '../logic/miner-table.js';
import type { AppState } from './types.js';

/** Whether figures may be shown as live at all. */
export const selectConnected = (s: AppState): boolean => s.connection.status === 'open';

/** "Now" on the core's clock. */
export const selectServerNowMs = (s: AppState): number => s.localNowMs + s.serverOffsetMs;

/** The facts the freshness rules need, as one object that changes only when they do. */
export function createFreshnessContextSelector(): (s: AppState) => FreshnessContext {
  let last: FreshnessContext | null = null;
  return (s) => {
    const nowMs = selectServerNowMs(s);
    const connected = selectConnected(s);
    if (
      !last ||
      last.nowMs !== nowMs ||
      last.staleAfterMs !== s.staleAfterMs ||
      last.connected !== connected
    ) {
      last = { nowMs, staleAfterMs: s.staleAfterMs, connected };
    }
    return last;
  };
}

/** The Miners table's rows: filtered and sorted, recomputed only when an input changes. */
export function createMinerRowsSelector(): (s: AppState) => MinerRecord[] {
  const ctxOf = createFreshnessContextSelector();
  const rows = createMinerRowsMemo();
  return (s) =>
    rows({
      records: s.minersById,
      version: s.minersVersion,
      sort: s.minersSort,
      filterText: s.minersFilter,
      stateFilter: s.minersStateFilter,
      ctx: ctxOf(s),
    });
}

/** Fleet KPIs, recomputed only when the miners or the freshness context change. */
export function createFleetKpisSelector(): (s: AppState) => FleetKpis {
  const ctxOf = createFreshnessContextSelector();
  let lastVersion = -1;
  let lastMap: Map<string, MinerRecord> | null = null;
  let lastCtx: FreshnessContext | null = null;
  let value: FleetKpis | null = null;
  return (s) => {
    const ctx = ctxOf(s);
    if (!value || lastVersion !== s.minersVersion || lastMap !== s.minersById || lastCtx !== ctx) {
      lastVersion = s.minersVersion;
      lastMap = s.minersById;
      lastCtx = ctx;
      value = computeFleetKpis(s.minersById.values(), ctx);
    }
    return value;
  };
}

/** The selected miner's record (undefined when none is selected or it was removed). */
export const selectSelectedMiner = (s: AppState): MinerRecord | undefined =>
  s.selectedMinerId === null ? undefined : s.minersById.get(s.selectedMinerId);
