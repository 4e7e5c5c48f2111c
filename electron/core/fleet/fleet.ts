/**
 * The fleet as the core builds it: registry, monitor, alerts and poller over the store and the vnish
 * client, plus the `FleetApi` / `AlertsApi` the contract services read.
 *
 * Settings (poll interval, alert thresholds) persist in the store and take effect at once. Alert
 * raises, severity changes and clears are stored as events (`alert.raised` / `alert.updated` /
 * `alert.cleared`, the alert itself as data), which is where `alerts.history` reads, and where the
 * alerts still active at the last shutdown are restored from.
 */
import type { Alert } from '../../../shared/api/alerts.js';
import { AlertSchema, AlertThresholdsSchema, defaultAlertThresholds } from '../../../shared/api/alerts.js';
import type { FleetSettings, History, HistoryPoint } from '../../../shared/api/fleet.js';
import { HashwatchError } from '../../../shared/errors.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import type { Clock } from '../clock.js';
import type { AlertHistoryEntry, AlertsApi } from '../service/alerts.js';
import type { EventBus } from '../service/events.js';
import type { FleetApi, HistoryQuery } from '../service/fleet.js';
import type { HistoryPoint as StorePoint, HistorySeries, NewEvent, Store } from '../store/types.js';
import { createAlertEngine, type AlertChanges, type AlertEngine } from './alerts.js';
import type { Inventory } from './inventory.js';
import { createFleetMonitor, type CycleSink, type FleetMonitor, type MinerPoller } from './monitor.js';
import { createRegistry, type Registry } from './registry.js';
import { createVnishPoller, type SnapshotInput, type VnishPoller, type VnishReads } from './poller.js';
import type { Timers } from './timers.js';

/** The slice of the store the fleet uses. */
export type FleetStore = Pick<
  Store,
  | 'writeCycle'
  | 'upsertMiner'
  | 'listMiners'
  | 'removeMiner'
  | 'appendEvents'
  | 'listEvents'
  | 'history'
  | 'exportCsv'
  | 'maintain'
  | 'getSetting'
  | 'setSetting'
>;

export interface FleetOptions {
  clock: Clock;
  bus: EventBus;
  inventory: Inventory;
  store: FleetStore;
  /** The vnish client (reads) and its normaliser; or a ready poller (tests). */
  client?: VnishReads;
  normalise?: (parts: SnapshotInput) => MinerSnapshot;
  poller?: MinerPoller;
  timers?: Timers;
  random?: () => number;
  /** Default poll interval when none is stored, ms. */
  intervalMs?: number;
  maxConcurrent?: number;
  flushMs?: number;
  maintainEveryMs?: number;
  /** Rows per maintenance slice (keeps each lock short). */
  maintainMaxRows?: number;
  slowTtlMs?: number;
  /** Largest CSV export, characters. */
  maxCsvChars?: number;
  onError?: (where: string, error: unknown) => void;
}

export interface Fleet {
  registry: Registry;
  monitor: FleetMonitor;
  alerts: AlertEngine;
  poller: MinerPoller;
  api: FleetApi;
  alertsApi: AlertsApi;
  start(): void;
  stop(): Promise<void>;
}

const SETTING_INTERVAL = 'fleet.pollIntervalS';
const SETTING_THRESHOLDS = 'fleet.alertThresholds';
const ALERT_KINDS = ['alert.raised', 'alert.updated', 'alert.cleared'] as const;

function toPoint(p: StorePoint, fleetWide: boolean): HistoryPoint {
  return {
    t: p.t,
    samples: p.samples,
    state: p.state,
    hashrateThs: p.hashrateThs.avg,
    hashrateMinThs: p.hashrateThs.min,
    hashrateMaxThs: p.hashrateThs.max,
    nominalThs: p.nominalThs,
    powerW: p.powerW.avg,
    efficiencyJth: p.efficiencyJth.avg,
    chipTempMaxC: p.chipTempMaxC.max,
    pcbTempMaxC: p.pcbTempMaxC.max,
    minersOnline: fleetWide ? p.onlineCount : null,
    offlineS: p.offlineS,
  };
}

function toHistory(s: HistorySeries): History {
  return {
    resolution: s.resolution,
    from: s.from,
    to: s.to,
    points: s.points.map((p) => toPoint(p, s.minerId === null)),
  };
}

export function createFleet(opts: FleetOptions): Fleet {
  const { clock, bus, inventory, store } = opts;
  const onError = opts.onError ?? (() => {});
  const maxCsv = opts.maxCsvChars ?? 20 * 1024 * 1024;

  const storedInterval = store.getSetting<number>(SETTING_INTERVAL);
  const storedThresholds = AlertThresholdsSchema.partial().safeParse(
    store.getSetting(SETTING_THRESHOLDS) ?? {},
  );
  const intervalMs =
    typeof storedInterval === 'number' && storedInterval >= 5 && storedInterval <= 600
      ? storedInterval * 1000
      : (opts.intervalMs ?? 10_000);

  const alerts = createAlertEngine({
    clock,
    thresholds: { ...defaultAlertThresholds, ...(storedThresholds.success ? storedThresholds.data : {}) },
  });
  // Alerts active when the app stopped are active again (the monitor clears them if they ended).
  try {
    alerts.restore(activeFromEvents(store, clock.now() - 30 * 86_400_000));
  } catch (e) {
    onError('alerts.restore', e);
  }

  const registry = createRegistry({
    load: () =>
      store.listMiners().map((m) => ({ id: m.id, address: m.address, mac: m.mac, labels: m.labels })),
    save: (m) => store.upsertMiner({ id: m.id, address: m.address, mac: m.mac, labels: m.labels }),
    remove: (id) => store.removeMiner(id),
  });

  let poller: MinerPoller;
  if (opts.poller) poller = opts.poller;
  else {
    if (!opts.client || !opts.normalise)
      throw new Error('createFleet needs a vnish client and normaliser, or a poller');
    poller = createVnishPoller({
      client: opts.client,
      normalise: opts.normalise,
      clock,
      slowTtlMs: opts.slowTtlMs,
      random: opts.random,
    }) satisfies VnishPoller;
  }

  const maintainMaxRows = opts.maintainMaxRows ?? 2000;
  const sink: CycleSink = {
    writeCycle: (results) => store.writeCycle(results),
    recordAlerts: (c: AlertChanges, at: number) => store.appendEvents(alertEvents(c, at)),
    // Maintenance must keep up with the write rate (10,000 miners every 5 s add ~2,000 raw rows a second):
    // repeat short, time-capped slices while a backlog remains, yielding to the loop between them.
    maintain: () => {
      let slices = 8;
      const slice = () => {
        const r = store.maintain({ maxRows: maintainMaxRows, maxMs: 15 });
        if (r.more && --slices > 0) setImmediate(slice);
      };
      slice();
    },
  };

  const monitor = createFleetMonitor({
    clock,
    timers: opts.timers,
    random: opts.random,
    bus,
    inventory,
    registry,
    poller,
    alerts,
    sink,
    intervalMs,
    maxConcurrent: opts.maxConcurrent,
    flushMs: opts.flushMs,
    maintainEveryMs: opts.maintainEveryMs ?? 1000,
    onError,
  });

  const settings = (): FleetSettings => ({
    pollIntervalS: Math.round(monitor.intervalMs() / 1000),
    alerts: alerts.thresholds(),
  });

  const api: FleetApi = {
    history(q: HistoryQuery) {
      return toHistory(
        store.history({
          minerId: q.minerId,
          from: q.from,
          to: q.to,
          resolution: q.resolution ?? 'auto',
          maxPoints: 2000,
        }),
      );
    },
    exportCsv(q) {
      const chunks: string[] = [];
      let size = 0;
      let truncated = false;
      store.exportCsv({ minerId: q.minerId, from: q.from, to: q.to, resolution: 'auto' }, (chunk) => {
        if (truncated) return;
        if (size + chunk.length > maxCsv) {
          truncated = true;
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      let csv = chunks.join('');
      if (truncated) {
        // Never hand out half a line.
        const end = csv.lastIndexOf('\n');
        csv = end >= 0 ? csv.slice(0, end + 1) : '';
      }
      const lines = csv.split('\n').filter((l) => l.length > 0).length;
      return { csv, rows: Math.max(0, lines - 1), truncated };
    },
    settings,
    updateSettings(patch) {
      if (patch.pollIntervalS !== undefined) {
        if (!Number.isInteger(patch.pollIntervalS) || patch.pollIntervalS < 5 || patch.pollIntervalS > 600) {
          throw new HashwatchError('ValidationError', 'pollIntervalS must be a whole number from 5 to 600');
        }
        store.setSetting(SETTING_INTERVAL, patch.pollIntervalS);
        monitor.setIntervalMs(patch.pollIntervalS * 1000);
      }
      if (patch.alerts) {
        const next = AlertThresholdsSchema.parse({ ...alerts.thresholds(), ...patch.alerts });
        store.setSetting(SETTING_THRESHOLDS, next);
        alerts.setThresholds(next);
      }
      return settings();
    },
  };

  const alertsApi: AlertsApi = {
    active: () => alerts.active(),
    history(q) {
      const events = store.listEvents({
        from: q.from,
        to: q.to,
        minerId: q.minerId,
        kinds: [...ALERT_KINDS],
        limit: q.limit,
        order: 'desc',
      });
      const out: AlertHistoryEntry[] = [];
      for (const e of events) {
        const parsed = AlertSchema.safeParse(e.data);
        if (!parsed.success) continue;
        const type =
          e.kind === 'alert.raised' ? 'raised' : e.kind === 'alert.cleared' ? 'cleared' : 'updated';
        out.push({ at: new Date(e.at).toISOString(), type, alert: parsed.data });
      }
      return out;
    },
  };

  return {
    registry,
    monitor,
    alerts,
    poller,
    api,
    alertsApi,
    start: () => monitor.start(),
    stop: () => monitor.stop(),
  };
}

function alertEvents(c: AlertChanges, at: number): NewEvent[] {
  const ev = (kind: (typeof ALERT_KINDS)[number], a: Alert): NewEvent => ({
    at,
    minerId: a.minerId,
    kind,
    severity: kind === 'alert.cleared' ? 'info' : a.severity,
    message: kind === 'alert.cleared' ? `cleared: ${a.message}` : a.message,
    data: a,
  });
  return [
    ...c.raised.map((a) => ev('alert.raised', a)),
    ...c.updated.map((a) => ev('alert.updated', a)),
    ...c.cleared.map((a) => ev('alert.cleared', a)),
  ];
}

/** Alerts raised since `from` and not cleared, from the event log. */
function activeFromEvents(store: FleetStore, from: number): Alert[] {
  const events = store.listEvents({
    from,
    kinds: ['alert.raised', 'alert.cleared'],
    order: 'asc',
    limit: 100_000,
  });
  const active = new Map<string, Alert>();
  for (const e of events) {
    const a = AlertSchema.safeParse(e.data);
    if (!a.success) continue;
    if (e.kind === 'alert.raised') active.set(a.data.id, a.data);
    else active.delete(a.data.id);
  }
  return [...active.values()];
}
