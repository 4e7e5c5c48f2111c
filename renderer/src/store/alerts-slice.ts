/**
 * Alerts slice: the active alerts, live from `alerts.raised` / `alerts.cleared`.
 *
 * Replaced whole from `alerts.list` after every (re)connection, since batches pushed while the socket
 * was down are lost; batches are merged in between.
 */
import type { Alert } from '../../../shared/api/alerts.js';
import type { AppError } from '../../../shared/errors.js';
import { applyCleared, applyRaised } from '../logic/alerts.js';
import type { SliceCreator } from './types.js';

/** The alerts slice. */
export interface AlertsSlice {
  /** Active alerts by id; replaced (never mutated) on change. */
  activeAlerts: ReadonlyMap<string, Alert>;
  alertsLoaded: boolean;
  alertsError: AppError | null;
  replaceAlerts(alerts: readonly Alert[]): void;
  alertsRaised(batch: readonly Alert[]): void;
  alertsCleared(batch: readonly Alert[]): void;
  setAlertsError(error: AppError): void;
}

/** Empty and not loaded until `alerts.list` answers. */
export const createAlertsSlice: SliceCreator<AlertsSlice> = (set, get) => ({
  activeAlerts: new Map(),
  alertsLoaded: false,
  alertsError: null,
  replaceAlerts(alerts) {
    set({ activeAlerts: applyRaised(new Map(), alerts), alertsLoaded: true, alertsError: null });
  },
  alertsRaised(batch) {
    if (batch.length) set({ activeAlerts: applyRaised(get().activeAlerts, batch) });
  },
  alertsCleared(batch) {
    if (batch.length) set({ activeAlerts: applyCleared(get().activeAlerts, batch) });
  },
  setAlertsError(error) {
    set({ alertsError: error });
  },
});
