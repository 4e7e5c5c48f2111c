/**
 * Prometheus `/metrics` for the headless host: per-miner and fleet gauges in the text format.
 *
 * A farm that outgrows one workstation scrapes several Hashwatch sites into Prometheus or
 * VictoriaMetrics and graphs them in Grafana. Values are collected from the inventory at scrape time
 * (nothing is updated per poll), into a registry of our own (never prom-client's global one, so two
 * cores in one process do not mix). Only live data is exported as values: a stale or offline miner
 * shows `hashwatch_miner_up 0` and its last-seen time, never its old hashrate.
 */
import { Gauge, Registry } from 'prom-client';
import type { Alert } from '../../../shared/api/alerts.js';
import type { MinerRecord, MinerSnapshot } from '../../../shared/miner.js';
import { computeFleetSummary } from '../fleet/kpis.js';
import { systemClock, type Clock } from '../clock.js';

export interface MetricsDeps {
  inventory: { list(): MinerRecord[] };
  /** Active alerts, for `hashwatch_alerts_active`. */
  alerts?: () => Alert[];
  clock?: Clock;
}

export interface Metrics {
  contentType: string;
  render(): Promise<string>;
}

const MINER = ['id', 'address', 'model'] as const;
type MinerLabels = Record<(typeof MINER)[number], string>;

export function createMetrics(deps: MetricsDeps): Metrics {
  const clock = deps.clock ?? systemClock;
  const registry = new Registry();
  let records: MinerRecord[] = [];

  const labelsOf = (r: MinerRecord): MinerLabels => ({
    id: r.id,
    address: r.address,
    model: r.snapshot?.model ?? 'unknown',
  });

  /** A per-miner gauge of one snapshot field, exported for live miners with a known value. */
  const minerGauge = (name: string, help: string, pick: (s: MinerSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: MINER,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of records) {
          if (r.freshness !== 'live' || !r.snapshot) continue;
          const v = pick(r.snapshot);
          if (v !== null) this.set(labelsOf(r), v);
        }
      },
    });

  const fleetGauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });

  new Gauge({
    name: 'hashwatch_miner_up',
    help: '1 when the miner answered within two poll intervals, else 0',
    labelNames: [...MINER, 'freshness'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of records)
        this.set({ ...labelsOf(r), freshness: r.freshness }, r.freshness === 'live' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hashwatch_miner_last_seen_timestamp_seconds',
    help: 'When the miner last answered a poll (Unix time)',
    labelNames: MINER,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of records) {
        if (r.lastSeenAt) this.set(labelsOf(r), Date.parse(r.lastSeenAt) / 1000);
      }
    },
  });
  minerGauge('hashwatch_miner_hashrate_ths', 'Real-time hashrate, TH/s', (s) => s.hashrateThs);
  minerGauge(
    'hashwatch_miner_hashrate_avg_ths',
    'Average hashrate reported by the firmware, TH/s',
    (s) => s.hashrateAvgThs,
  );
  minerGauge('hashwatch_miner_nominal_hashrate_ths', 'Nominal hashrate, TH/s', (s) => s.nominalThs);
  minerGauge('hashwatch_miner_power_watts', 'Power reported by the miner, W', (s) => s.powerW);
  minerGauge('hashwatch_miner_efficiency_jth', 'Efficiency, J/TH', (s) => s.efficiencyJth);
  minerGauge('hashwatch_miner_chip_temp_max_celsius', 'Hottest chip, degC', (s) => s.chipTempMaxC);
  minerGauge('hashwatch_miner_board_temp_max_celsius', 'Hottest board (PCB), degC', (s) => s.pcbTempMaxC);
  minerGauge('hashwatch_miner_uptime_seconds', 'Uptime, s', (s) => s.uptimeS);
  new Gauge({
    name: 'hashwatch_miner_state',
    help: 'Firmware state of the miner: 1 for the current state',
    labelNames: [...MINER, 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of records) {
        const state =
          r.freshness === 'offline'
            ? 'offline'
            : r.freshness === 'live'
              ? (r.snapshot?.state ?? 'unknown')
              : null;
        if (state) this.set({ ...labelsOf(r), state }, 1);
      }
    },
  });
  new Gauge({
    name: 'hashwatch_miner_fan_rpm',
    help: 'Fan speed, rpm',
    labelNames: [...MINER, 'fan'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of records) {
        if (r.freshness !== 'live' || !r.snapshot) continue;
        r.snapshot.fans.forEach((f, i) => {
          if (f.rpm !== null) this.set({ ...labelsOf(r), fan: String(i) }, f.rpm);
        });
      }
    },
  });
  const poolGauge = (
    name: string,
    help: string,
    pick: (p: MinerSnapshot['pools'][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: [...MINER, 'pool', 'url'],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of records) {
          if (r.freshness !== 'live' || !r.snapshot) continue;
          r.snapshot.pools.forEach((p, i) => {
            const v = pick(p);
            if (p.type === 'user' && v !== null) this.set({ ...labelsOf(r), pool: String(i), url: p.url }, v);
          });
        }
      },
    });
  poolGauge(
    'hashwatch_miner_pool_accepted_shares',
    'Shares accepted by the pool since the miner started',
    (p) => p.accepted,
  );
  poolGauge(
    'hashwatch_miner_pool_rejected_shares',
    'Shares rejected by the pool since the miner started',
    (p) => p.rejected,
  );

  let summary = computeFleetSummary([], clock.now());
  fleetGauge('hashwatch_fleet_hashrate_ths', 'Hashrate of the online miners, TH/s', [], (g) =>
    g.set(summary.hashrateThs),
  );
  fleetGauge('hashwatch_fleet_nominal_hashrate_ths', 'Nominal hashrate of every known miner, TH/s', [], (g) =>
    g.set(summary.nominalThs),
  );
  fleetGauge('hashwatch_fleet_power_watts', 'Power of the online miners, W', [], (g) =>
    g.set(summary.powerW),
  );
  fleetGauge('hashwatch_fleet_efficiency_jth', 'Fleet efficiency, J/TH', [], (g) => {
    if (summary.efficiencyJth !== null) g.set(summary.efficiencyJth);
  });
  fleetGauge('hashwatch_fleet_miners', 'Miners by freshness', ['status'], (g) => {
    const c = summary.counts;
    for (const status of ['online', 'offline', 'stale', 'never', 'failing'] as const)
      g.set({ status }, c[status]);
  });
  fleetGauge(
    'hashwatch_fleet_model_hashrate_ths',
    'Hashrate of the online miners per model, TH/s',
    ['model'],
    (g) => {
      for (const m of summary.byModel) g.set({ model: m.model }, m.hashrateThs);
    },
  );
  fleetGauge('hashwatch_alerts_active', 'Active alerts by kind and severity', ['kind', 'severity'], (g) => {
    for (const a of deps.alerts?.() ?? []) g.inc({ kind: a.kind, severity: a.severity });
  });

  return {
    contentType: registry.contentType,
    async render() {
      // One consistent view of the inventory for every gauge of this scrape.
      records = deps.inventory.list();
      summary = computeFleetSummary(records, clock.now());
      try {
        return await registry.metrics();
      } finally {
        records = [];
      }
    },
  };
}
