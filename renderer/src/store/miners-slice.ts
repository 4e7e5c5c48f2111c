/**
 * Miners slice: every miner the core knows, by id, merged from `miners.list` and `fleet.tick`.
 *
 * A farm can hold 10,000 miners and a tick carries only the ones that changed, so a merge must cost
 * O(changed), not O(fleet). The map is therefore updated in place and `minersVersion` is bumped on
 * every change; components and memoised selectors depend on the version, never on the map's identity.
 * Individual records are replaced, never mutated, so a row can be memoised on its record object.
 */
import type { AppError } from '../../../shared/errors.js';
import type { FleetTick } from '../../../shared/contract.js';
import type { MinerRecord } from '../../../shared/miner.js';
import type { SliceCreator } from './types.js';

/** The miners slice. */
export interface MinersSlice {
  /** Updated in place: read it together with `minersVersion`. */
  minersById: Map<string, MinerRecord>;
  /** Incremented on every change of `minersById`. */
  minersVersion: number;
  /** True once a full list has been loaded. */
  minersLoaded: boolean;
  minersError: AppError | null;
  /** Core time (`at`) of the last tick merged. */
  lastTickAt: string | null;
  /** Replaces the whole inventory (first load, and after a reconnect, when ticks may have been missed). */
  replaceMiners(records: readonly MinerRecord[]): void;
  /** Merges one tick: O(changed + removed). */
  applyTick(tick: FleetTick): void;
  setMinersError(error: AppError | null): void;
}

/** Starts empty and not loaded. */
export const createMinersSlice: SliceCreator<MinersSlice> = (set, get) => ({
  minersById: new Map(),
  minersVersion: 0,
  minersLoaded: false,
  minersError: null,
  lastTickAt: null,
  replaceMiners(records) {
    const map = new Map<string, MinerRecord>();
    for (const r of records) map.set(r.id, r);
    set({ minersById: map, minersVersion: get().minersVersion + 1, minersLoaded: true, minersError: null });
  },
  applyTick(tick) {
    if (tick.changed.length === 0 && tick.removed.length === 0) {
      set({ lastTickAt: tick.at });
      return;
    }
    const map = get().minersById;
    for (const id of tick.removed) map.delete(id);
    for (const r of tick.changed) map.set(r.id, r);
    set({ minersVersion: get().minersVersion + 1, lastTickAt: tick.at });
  },
  setMinersError(error) {
    set({ minersError: error });
  },
});
