/**
 * `alerts.*` methods: the alerts active now and the raise/clear history.
 */
import type { Alert } from '../../../shared/api/alerts.js';
import type { MethodOutput } from '../../../shared/contract.js';
import type { Handlers } from './dispatch.js';
import { toMs } from './fleet.js';

export type AlertHistoryEntry = MethodOutput<'alerts.history'>['entries'][number];

/** What the alerts service reads (the alert engine and the store's event log; see fleet/fleet-api.ts). */
export interface AlertsApi {
  active(): Alert[];
  history(q: { from?: number; to?: number; minerId?: string; limit: number }): AlertHistoryEntry[];
}

export interface AlertsServiceDeps {
  alerts?: AlertsApi | null;
}

export function alertsService(deps: AlertsServiceDeps): Pick<Handlers, 'alerts.list' | 'alerts.history'> {
  return {
    'alerts.list': () => ({ alerts: deps.alerts?.active() ?? [] }),
    'alerts.history': ({ from, to, minerId, limit }) => ({
      entries:
        deps.alerts?.history({
          from: from === undefined ? undefined : toMs(from),
          to: to === undefined ? undefined : toMs(to),
          minerId,
          limit: limit ?? 500,
        }) ?? [],
    }),
  };
}
