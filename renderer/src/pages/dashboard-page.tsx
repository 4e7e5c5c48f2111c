/**
 * Dashboard: the farm at a glance, from the miners the renderer holds (live data only in totals).
 */
import { useApi } from '../api/api-context.js';
import { useHistory } from '../api/use-history.js';
import { FleetCharts } from '../components/history-charts.js';
import { PageHeader } from '../components/page-header.js';
import { countBySeverity } from '../logic/alerts.js';
import {
  formatCount,
  formatFleetHashrate,
  formatFleetPower,
  formatJth,
  formatNumber,
} from '../logic/format.js';
import type { StateFilter } from '../logic/miner-table.js';
import { createFleetKpisSelector } from '../store/selectors.js';
import { useAppStore, useAppStoreApi, useMemoSelector } from '../store/store-context.js';

function Kpi({
  label,
  value,
  sub,
  tone,
  testId,
}: {
  label: string;
  value: string;
  sub?: string;
  tone?: string;
  testId?: string;
}) {
  return (
    <div className={`kpi${tone ? ` tone-${tone}` : ''}`} data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {sub ? <div className="kpi-sub">{sub}</div> : null}
    </div>
  );
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${formatNumber((part / whole) * 100, 1)} %` : '\u2014';
}

/** The dashboard charts cover the last 6 h and are fetched again every minute. */
const CHART_RANGE_MS = 6 * 3_600_000;
const CHART_REFRESH_MS = 60_000;

function FleetHistoryPanel() {
  const api = useApi();
  const h = useHistory(api, null, CHART_RANGE_MS, CHART_REFRESH_MS);
  return (
    <section className="panel" aria-labelledby="fleet-history-title">
      <h2 id="fleet-history-title">
        Last 6 hours <span className="muted">refreshed every minute</span>
      </h2>
      <FleetCharts h={h} />
    </section>
  );
}

function AlertsKpi() {
  const active = useAppStore((s) => s.activeAlerts);
  const loaded = useAppStore((s) => s.alertsLoaded);
  const store = useAppStoreApi();
  const c = countBySeverity(active.values());
  const total = c.critical + c.warning;
  return (
    <button
      type="button"
      className={`kpi kpi-button${total ? (c.critical ? ' tone-bad' : ' tone-warn') : ''}`}
      data-testid="kpi-alerts"
      data-count={loaded ? total : ''}
      onClick={() => store.getState().setPage('activity')}
    >
      <span className="kpi-label">Active alerts</span>
      <span className="kpi-value">{loaded ? formatNumber(total) : '\u2014'}</span>
      <span className="kpi-sub">
        {c.critical} critical · {c.warning} warning
      </span>
    </button>
  );
}

export function DashboardPage() {
  const k = useMemoSelector(createFleetKpisSelector);
  const loaded = useAppStore((s) => s.minersLoaded);
  const connected = useAppStore((s) => s.connection.status === 'open');
  const store = useAppStoreApi();
  const show = (filter: StateFilter) => {
    store.getState().setMinersStateFilter(filter);
    store.getState().setPage('miners');
  };
  const c = k.counts;
  // Before the inventory has loaded, zeros would be a claim; show dashes instead.
  const v = (text: string) => (loaded ? text : '\u2014');

  return (
    <div className="page" data-testid="page-dashboard">
      <PageHeader title="Dashboard">
        <span className="muted">
          {loaded ? formatCount(c.total, 'miner') : 'Loading miners…'}
          {connected ? '' : ' · not live'}
        </span>
      </PageHeader>

      <section aria-label="Fleet figures" className="kpi-grid">
        <Kpi
          label="Hashrate"
          value={v(formatFleetHashrate(k.hashrateThs))}
          sub={`${percent(k.hashrateThs, k.nominalLiveThs)} of ${formatFleetHashrate(k.nominalLiveThs)} nominal (live miners)`}
          testId="kpi-hashrate"
        />
        <Kpi
          label="Installed capacity"
          value={v(formatFleetHashrate(k.nominalThs))}
          sub="nominal, all known miners"
        />
        <Kpi
          label="Power"
          value={v(formatFleetPower(k.powerW))}
          sub="reported by live miners"
          testId="kpi-power"
        />
        <Kpi
          label="Efficiency"
          value={v(k.efficiencyJth === null ? '\u2014' : `${formatJth(k.efficiencyJth)} J/TH`)}
          sub="fleet power / hashrate"
        />
        <Kpi
          label="Online"
          value={v(formatNumber(c.live))}
          sub={`of ${formatNumber(c.total)} · ${percent(c.live, c.total)}`}
          tone="ok"
          testId="kpi-online"
        />
        <Kpi
          label="Offline"
          value={v(formatNumber(c.offline + c.never))}
          sub={c.never ? `${formatNumber(c.never)} never seen` : 'not answering'}
          tone={c.offline + c.never ? 'bad' : undefined}
          testId="kpi-offline"
        />
        <Kpi
          label="Failing"
          value={v(formatNumber(c.failing))}
          sub="failure state or failed board"
          tone={c.failing ? 'bad' : undefined}
          testId="kpi-failing"
        />
        <Kpi
          label="Stale data"
          value={v(formatNumber(c.stale))}
          sub="last figures too old to trust"
          tone={c.stale ? 'warn' : undefined}
        />
        <AlertsKpi />
      </section>

      <FleetHistoryPanel />

      <section className="panel" aria-labelledby="attention-title">
        <h2 id="attention-title">Needs attention</h2>
        <ul className="attention">
          <li>
            <button
              type="button"
              className="link-button"
              onClick={() => show('failing')}
              disabled={!c.failing}
            >
              {formatCount(c.failing, 'failing miner')}
            </button>
          </li>
          <li>
            <button
              type="button"
              className="link-button"
              onClick={() => show('offline')}
              disabled={!(c.offline + c.never)}
            >
              {formatCount(c.offline + c.never, 'offline miner')}
            </button>
          </li>
          <li>
            <button
              type="button"
              className="link-button"
              onClick={() => show('not-mining')}
              disabled={!c.notMining}
            >
              {formatCount(c.notMining, 'online miner')} not mining
            </button>
          </li>
          <li>
            <button type="button" className="link-button" onClick={() => show('stale')} disabled={!c.stale}>
              {formatCount(c.stale, 'miner')} with stale data
            </button>
          </li>
        </ul>
      </section>

      <section className="panel" aria-labelledby="models-title">
        <h2 id="models-title">By model</h2>
        {k.byModel.length === 0 ? (
          <p className="muted">No miners yet. Discovery adds them to the inventory.</p>
        ) : (
          <table className="table compact" data-testid="models-table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Miners
                </th>
                <th scope="col" className="num">
                  Online
                </th>
                <th scope="col" className="num">
                  Hashrate
                </th>
                <th scope="col" className="num">
                  Nominal
                </th>
                <th scope="col" className="num">
                  Power
                </th>
                <th scope="col" className="num">
                  J/TH
                </th>
              </tr>
            </thead>
            <tbody>
              {k.byModel.map((m) => (
                <tr key={m.model}>
                  <th scope="row">{m.model}</th>
                  <td className="num">{formatNumber(m.count)}</td>
                  <td className="num">{formatNumber(m.live)}</td>
                  <td className="num">{formatFleetHashrate(m.hashrateThs)}</td>
                  <td className="num">{formatFleetHashrate(m.nominalThs)}</td>
                  <td className="num">{formatFleetPower(m.powerW)}</td>
                  <td className="num">{formatJth(m.efficiencyJth)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
