/**
 * `fleet.*` methods (and `miners.history`): figures, history, CSV export and polling settings.
 *
 * The figures come from the in-memory inventory, so they work even without a store; history,
 * export and persisted settings need the fleet API (store + monitor) and answer `Unavailable`
 * when the core was built without one.
 */
import type { FleetSettings, History, Resolution } from '../../../shared/api/fleet.js';
import type { AlertThresholds } from '../../../shared/api/alerts.js';
import { HashwatchError } from '../../../shared/errors.js';
import type { Inventory } from '../fleet/inventory.js';
import { computeFleetSummary } from '../fleet/kpis.js';
import type { Clock } from '../clock.js';
import type { Handlers } from './dispatch.js';

/** A history query with times resolved to epoch ms. */
export interface HistoryQuery {
  minerId?: string;
  from: number;
  to: number;
  resolution?: Resolution;
}

/** What the fleet service needs beyond the inventory (see fleet/fleet-api.ts). */
export interface FleetApi {
  history(q: HistoryQuery): History;
  exportCsv(q: { from: number; to: number; minerId?: string }): {
    csv: string;
    rows: number;
    truncated: boolean;
  };
  settings(): FleetSettings;
  updateSettings(patch: { pollIntervalS?: number; alerts?: Partial<AlertThresholds> }): FleetSettings;
}

export interface FleetServiceDeps {
  inventory: Inventory;
  fleet?: FleetApi | null;
  clock?: Clock;
}

type FleetMethods =
  | 'fleet.summary'
  | 'miners.history'
  | 'fleet.history'
  | 'fleet.exportCsv'
  | 'fleet.settings.get'
  | 'fleet.settings.set';

/** Epoch ms of a contract time (ISO text or ms). */
export function toMs(t: string | number): number {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new HashwatchError('ValidationError', `Not a time: ${String(t)}`);
  return ms;
}

function range(from: string | number, to: string | number): { from: number; to: number } {
  const f = toMs(from);
  const t = toMs(to);
  if (t <= f) throw new HashwatchError('ValidationError', '`to` must be after `from`');
  return { from: f, to: t };
}

export function fleetService(deps: FleetServiceDeps): Pick<Handlers, FleetMethods> {
  const api = (): FleetApi => {
    if (!deps.fleet)
      throw new HashwatchError('Unavailable', 'Fleet history is not available in this session');
    return deps.fleet;
  };
  const resolution = (r: Resolution | 'auto' | undefined) => (r === 'auto' ? undefined : r);
  return {
    'fleet.summary': () => computeFleetSummary(deps.inventory.list(), (deps.clock ?? Date).now()),
    'miners.history': ({ id, from, to, resolution: r }) => {
      if (!deps.inventory.get(id)) throw new HashwatchError('NotFound', `No miner with id ${id}`);
      return api().history({ minerId: id, ...range(from, to), resolution: resolution(r) });
    },
    'fleet.history': ({ from, to, resolution: r }) =>
      api().history({ ...range(from, to), resolution: resolution(r) }),
    'fleet.exportCsv': ({ from, to, minerId }) => api().exportCsv({ ...range(from, to), minerId }),
    'fleet.settings.get': () => api().settings(),
    'fleet.settings.set': (patch) => api().updateSettings(patch),
  };
}
