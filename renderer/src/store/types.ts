/**
 * The shape of the renderer's one store, composed from typed slices.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AlertsSlice } from './alerts-slice.js';
import type { AppInfoSlice } from './app-info-slice.js';
import type { ClockSlice } from './clock-slice.js';
import type { ConnectionSlice } from './connection-slice.js';
import type { DiscoverySlice } from './discovery-slice.js';
import type { MinersSlice } from './miners-slice.js';
import type { UiSlice } from './ui-slice.js';

/** The whole renderer state: every slice side by side (their keys never overlap). */
export type AppState = MinersSlice &
  AppInfoSlice &
  ConnectionSlice &
  ClockSlice &
  UiSlice &
  DiscoverySlice &
  AlertsSlice;

/** How a slice is written: it sees the whole state, and owns only its own keys. */
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
