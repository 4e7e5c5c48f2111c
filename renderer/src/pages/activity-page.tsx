/**
 * Activity: the alerts active now (live from `alerts.raised` / `alerts.cleared`) and their history.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Alert } from '../../../shared/api/alerts.js';
import type { MethodOutput } from '../../../shared/contract.js';
import type { AppError } from '../../../shared/errors.js';
import { useApi } from '../api/api-context.js';
import { ErrorMessage } from '../components/error-message.js';
import { PageHeader } from '../components/page-header.js';
import { countBySeverity, sortAlerts } from '../logic/alerts.js';
import { formatAge, formatClock, formatCount } from '../logic/format.js';
import { selectServerNowMs } from '../store/selectors.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';

type HistoryEntries = MethodOutput<'alerts.history'>['entries'];

/** How many history entries are shown. */
const HISTORY_LIMIT = 200;

export function ActivityPage() {
  const active = useAppStore((s) => s.activeAlerts);
  const loaded = useAppStore((s) => s.alertsLoaded);
  const error = useAppStore((s) => s.alertsError);
  const rows = useMemo(() => sortAlerts(active.values()), [active]);
  const counts = useMemo(() => countBySeverity(active.values()), [active]);
  return (
    <div className="page" data-testid="page-activity">
      <PageHeader title="Activity">
        <span className="muted">
          {loaded
            ? `${formatCount(rows.length, 'active alert')} · ${counts.critical} critical, ${counts.warning} warning`
            : 'Loading alerts…'}
        </span>
      </PageHeader>
      <section className="panel" aria-labelledby="active-title">
        <h2 id="active-title">Active alerts</h2>
        <ErrorMessage error={error} />
        <AlertsTable alerts={rows} loaded={loaded} />
      </section>
      <AlertHistory activeKey={active} />
    </div>
  );
}

function AlertsTable({ alerts, loaded }: { alerts: Alert[]; loaded: boolean }) {
  const nowMs = useAppStore(selectServerNowMs);
  const store = useAppStoreApi();
  if (!loaded) return <p className="muted">Loading…</p>;
  if (alerts.length === 0)
    return (
      <p className="muted" data-testid="alerts-active" data-count={0}>
        Nothing needs attention: no active alerts.
      </p>
    );
  return (
    <div className="table-scroll alerts-scroll">
      <table className="table compact" data-testid="alerts-active" data-count={alerts.length}>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Miner</th>
            <th scope="col">Alert</th>
            <th scope="col">Message</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id} data-testid="alert-row" data-severity={a.severity} data-kind={a.kind}>
              <td>
                <SeverityBadge severity={a.severity} />
              </td>
              <td className="mono">
                <button
                  type="button"
                  className="link-button mono"
                  title="Open this miner's details"
                  onClick={() => {
                    store.getState().selectMiner(a.minerId);
                    store.getState().setPage('miners');
                  }}
                >
                  {a.address}
                </button>
              </td>
              <td>{a.kind}</td>
              <td className="wrap">{a.message}</td>
              <td title={a.raisedAt}>
                {formatAge(nowMs - Date.parse(a.raisedAt))}{' '}
                <span className="muted">({formatClock(a.raisedAt, nowMs)})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SeverityBadge({ severity }: { severity: Alert['severity'] }) {
  return <span className={`badge tone-${severity === 'critical' ? 'bad' : 'warn'}`}>{severity}</span>;
}

/** The last raises and clears; reloaded whenever the active set changes. */
function AlertHistory({ activeKey }: { activeKey: unknown }) {
  const api = useApi();
  const nowMs = useAppStore(selectServerNowMs);
  const [entries, setEntries] = useState<HistoryEntries | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    if (!api) return;
    let live = true;
    void api.call('alerts.history', { limit: HISTORY_LIMIT }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setEntries(r.value.entries);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api, activeKey]);
  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title">
        Alert history <span className="muted">latest {HISTORY_LIMIT}</span>
      </h2>
      <ErrorMessage error={error} />
      {entries === null ? (
        error ? null : (
          <p className="muted">{api ? 'Loading…' : 'Not connected.'}</p>
        )
      ) : entries.length === 0 ? (
        <p className="muted">No alert has been raised yet.</p>
      ) : (
        <div className="table-scroll alerts-scroll">
          <table className="table compact" data-testid="alerts-history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Severity</th>
                <th scope="col">Miner</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={`${e.alert.id}|${e.type}|${e.at}`} data-testid="alert-history-row">
                  <td>{formatClock(e.at, nowMs)}</td>
                  <td>
                    <span
                      className={`badge tone-${e.type === 'cleared' ? 'ok' : e.type === 'raised' ? 'bad' : 'muted'}`}
                    >
                      {e.type}
                    </span>
                  </td>
                  <td>
                    <SeverityBadge severity={e.alert.severity} />
                  </td>
                  <td className="mono">{e.alert.address}</td>
                  <td className="wrap">{e.alert.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
