/**
 * Builds the renderer's one store from its slices.
 *
 * Created once by the composition root (main.tsx) and handed to React through context and to the api
 * bootstrap directly: updates from the core are applied outside React by calling store actions.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createAlertsSlice } from './alerts-slice.js';
import { createAppInfoSlice } from './app-info-slice.js';
import { createClockSlice } from './clock-slice.js';
import { createConnectionSlice } from './connection-slice.js';
import { createDiscoverySlice } from './discovery-slice.js';
import { createMinersSlice } from './miners-slice.js';
import type { AppState } from './types.js';
import { createUiSlice } from './ui-slice.js';

/** The renderer store (zustand vanilla). */
export type AppStore = StoreApi<AppState>;

/** Options for tests. */
export interface CreateAppStoreOptions {
  /** Local epoch ms at creation (tests pass a fixed time). */
  nowMs?: number;
}

/** Creates the store with every slice at its initial state. */
export function createAppStore(opts: CreateAppStoreOptions = {}): AppStore {
  const nowMs = opts.nowMs ?? Date.now();
  return createStore<AppState>()((...a) => ({
    ...createMinersSlice(...a),
    ...createAppInfoSlice(...a),
    ...createConnectionSlice(...a),
    ...createClockSlice(nowMs)(...a),
    ...createUiSlice(...a),
    ...createDiscoverySlice(...a),
    ...createAlertsSlice(...a),
  }));
}
