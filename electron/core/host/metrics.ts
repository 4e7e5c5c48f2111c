/**
 * Prometheus `/metrics` for the headless host: per-miner and fleet gauges in the text format.
 *
 * A farm that outgrows one workstation scrapes several Hashwatch sites into Prometheus or
 * VictoriaMetrics and graphs them in Grafana. Values are collected from the inventory at scrape time
 * (nothing is updated per poll), into a registry of our own (never prom-client's global one, so two
 * cores in one process do not mix). Only live data is exported as values: a stale or offline miner
 * shows `hashwatch_miner_up 0` and its last-seen time, never its old hashrate.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Alert } from '../../../shared/api/alerts.js';
import type { MinerRecord, MinerSnapshot } from '../../../shared/miner.js';
import { computeFleetSummary } from '../fleet/kpis.js';
import { systemClock, type Clock } from '../clock.js';

export interface MetricsDeps {
  inventory: { list(): MinerRecord[] };
  /** Active alerts, for `hashwatch_alerts_active`. */
  alerts?: () => Alert[];
  /** The poller's own figures: is it keeping up with the farm? */
  poller?: () => PollerFigures;
  clock?: Clock;
}

export interface PollerFigures {
  /** How late the most overdue poll is, ms. */
  lagMs: number;
  inFlight: number;
  succeeded: number;
  failed: number;
}

export interface Metrics {
  contentType: string;
  render(): Promise<string>;
}

type MinerLabels = Record<'id' | 'address' | 'model', string>;

/** One sample as prom-client formats it. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A gauge whose samples are produced at scrape time and handed to prom-client's formatter as they
 * are. prom-client's `Gauge.set` hashes the label set of every call, which at 10,000 miners x a dozen
 * series is seconds of CPU per scrape; producing the values directly keeps a scrape well under that,
 * and the formatting (escaping, the text format) stays prom-client's.
 */
function scrapeGauge(
  registry: Registry,
  name: string,
  help: string,
  produce: (push: (labels: Record<string, string | number>, value: number) => void) => void,
): void {
  const metric = {
    name,
    help,
    type: 'gauge' as const,
    aggregator: 'sum' as const,
    async get() {
      // Each metric is produced in its own turn of the event loop, so a scrape of a large farm is a
      // series of short tasks rather than one long stall.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const values: Sample[] = [];
      produce((labels, value) => values.push({ labels, value }));
      return { name, help, type: 'gauge' as const, aggregator: 'sum' as const, values };
    },
  };
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const clock = deps.clock ?? systemClock;
  const registry = new Registry();
  let records: MinerRecord[] = [];
  let labels: MinerLabels[] = [];

  const live = function* () {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.freshness === 'live' && r.snapshot) yield [labels[i]!, r.snapshot, r] as const;
    }
  };

  /** A per-miner gauge of one snapshot field, exported for live miners with a known value. */
  const minerGauge = (name: string, help: string, pick: (s: MinerSnapshot) => number | null) =>
    scrapeGauge(registry, name, help, (push) => {
      for (const [l, s] of live()) {
        const v = pick(s);
        if (v !== null) push(l, v);
      }
    });

  scrapeGauge(
    registry,
    'hashwatch_miner_up',
    '1 when the miner answered within two poll intervals, else 0',
    (push) => {
      records.forEach((r, i) =>
        push({ ...labels[i]!, freshness: r.freshness }, r.freshness === 'live' ? 1 : 0),
      );
    },
  );
  scrapeGauge(
    registry,
    'hashwatch_miner_last_seen_timestamp_seconds',
    'When the miner last answered a poll (Unix time)',
    (push) => {
      records.forEach((r, i) => {
        if (r.lastSeenAt) push(labels[i]!, Date.parse(r.lastSeenAt) / 1000);
      });
    },
  );
  minerGauge('hashwatch_miner_hashrate_ths', 'Real-time hashrate, TH/s', (s) => s.hashrateThs);
  minerGauge('hashwatch_miner_nominal_hashrate_ths', 'Nominal hashrate, TH/s', (s) => s.nominalThs);
  minerGauge('hashwatch_miner_power_watts', 'Power reported by the miner, W', (s) => s.powerW);
  minerGauge('hashwatch_miner_efficiency_jth', 'Efficiency, J/TH', (s) => s.efficiencyJth);
  minerGauge('hashwatch_miner_chip_temp_max_celsius', 'Hottest chip, degC', (s) => s.chipTempMaxC);
  minerGauge('hashwatch_miner_board_temp_max_celsius', 'Hottest board (PCB), degC', (s) => s.pcbTempMaxC);
  scrapeGauge(
    registry,
    'hashwatch_miner_state',
    'Firmware state of the miner: 1 for the current state',
    (push) => {
      records.forEach((r, i) => {
        const state =
          r.freshness === 'offline'
            ? 'offline'
            : r.freshness === 'live'
              ? (r.snapshot?.state ?? 'unknown')
              : null;
        if (state) push({ ...labels[i]!, state }, 1);
      });
    },
  );
  scrapeGauge(registry, 'hashwatch_miner_fan_rpm', 'Fan speed, rpm', (push) => {
    for (const [l, s] of live()) {
      s.fans.forEach((f, i) => {
        if (f.rpm !== null) push({ ...l, fan: i }, f.rpm);
      });
    }
  });
  const poolGauge = (
    name: string,
    help: string,
    pick: (p: MinerSnapshot['pools'][number]) => number | null,
  ) =>
    scrapeGauge(registry, name, help, (push) => {
      for (const [l, s] of live()) {
        s.pools.forEach((p, i) => {
          const v = pick(p);
          if (p.type === 'user' && v !== null) push({ ...l, pool: i, url: p.url }, v);
        });
      }
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

  // Fleet-wide figures: a handful of series, kept as ordinary prom-client gauges.
  let summary = computeFleetSummary([], clock.now());
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

  // The poller's health: a lag that keeps growing means the workstation cannot keep this farm's pace.
  const poller = deps.poller;
  if (poller) {
    fleetGauge('hashwatch_poller_lag_seconds', 'How late the most overdue poll is, seconds', [], (g) =>
      g.set(poller().lagMs / 1000),
    );
    fleetGauge('hashwatch_poller_in_flight', 'Polls waiting for an answer', [], (g) =>
      g.set(poller().inFlight),
    );
    new Counter({
      name: 'hashwatch_polls_total',
      help: 'Polls since start, by result',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        const p = poller();
        this.reset();
        this.inc({ result: 'ok' }, p.succeeded);
        this.inc({ result: 'failed' }, p.failed);
      },
    });
  }

  let inFlight: Promise<string> | null = null;
  const render = async () => {
    // One consistent view of the inventory for every metric of this scrape.
    records = deps.inventory.list();
    labels = records.map((r) => ({ id: r.id, address: r.address, model: r.snapshot?.model ?? 'unknown' }));
    summary = computeFleetSummary(records, clock.now());
    try {
      return await registry.metrics();
    } finally {
      records = [];
      labels = [];
    }
  };

  return {
    contentType: registry.contentType,
    // Two scrapers at once share one rendering.
    render: () => (inFlight ??= render().finally(() => (inFlight = null))),
  };
}
