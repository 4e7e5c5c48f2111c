/**
 * Discovery: finding the farm's miners by scanning address ranges and mDNS.
 *
 * The form starts a scan (`discovery.scan`, operator only); the bar follows `discovery.progress`
 * through the discovery slice; the results and recent scans come from `discovery.results` and
 * `discovery.list`. vnish miners go to the inventory; other firmwares are listed as found, not managed.
 */
import { useState, type FormEvent } from 'react';
import type { FoundMiner } from '../../../../shared/api/discovery.js';
import { useApi } from '../../api/api-context.js';
import { cancelScan, showScan, startScan } from '../../api/discovery-actions.js';
import { StateBadge } from '../../components/badges.js';
import { ErrorMessage } from '../../components/error-message.js';
import { PageHeader } from '../../components/page-header.js';
import { DASH, formatClock, formatDuration, formatNumber, formatThs } from '../../logic/format.js';
import { progressFraction, progressLabel } from '../../logic/progress.js';
import { parseOptionalInt, parseTargets } from '../../logic/scan-targets.js';
import { selectServerNowMs } from '../../store/selectors.js';
import { useAppStore, useAppStoreApi } from '../../store/store-context.js';

/** Rows drawn in the results table: a /16 sweep may find thousands; the Miners page has them all. */
const MAX_RESULT_ROWS = 1_000;

export function DiscoveryPage() {
  return (
    <div className="page" data-testid="page-discovery">
      <PageHeader title="Discovery">
        <span className="muted">Finds vnish miners and adds them to the inventory</span>
      </PageHeader>
      <ScanForm />
      <ScanStatus />
      <ScanResultsPanel />
      <RecentScans />
    </div>
  );
}

function ScanForm() {
  const api = useApi();
  const store = useAppStoreApi();
  const running = useAppStore((s) => s.scanProgress !== null && !s.scanProgress.done);
  const starting = useAppStore((s) => s.scanStarting);
  const error = useAppStore((s) => s.scanError);
  const [targets, setTargets] = useState('');
  const [mdns, setMdns] = useState(false);
  const [concurrency, setConcurrency] = useState('');
  const [timeout, setTimeoutText] = useState('');
  const [formErrors, setFormErrors] = useState<string[]>([]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!api) return;
    const parsed = parseTargets(targets);
    const c = parseOptionalInt(concurrency, 1, 4096, 'Concurrency');
    const t = parseOptionalInt(timeout, 20, 10_000, 'Timeout');
    const errors = [...parsed.errors, ...[c.error, t.error].filter((x): x is string => x !== null)];
    if (parsed.targets.length === 0 && !mdns) errors.push('Give at least one target, or tick mDNS.');
    setFormErrors(errors);
    if (errors.length) return;
    const options = {
      ...(mdns ? { mdns: true } : {}),
      ...(c.value !== undefined ? { concurrency: c.value } : {}),
      ...(t.value !== undefined ? { timeoutMs: t.value } : {}),
    };
    void startScan(api, store, {
      targets: parsed.targets,
      ...(Object.keys(options).length ? { options } : {}),
    });
  };

  return (
    <section className="panel" aria-labelledby="scan-title">
      <h2 id="scan-title">Scan</h2>
      <form className="form scan-form" onSubmit={submit} noValidate>
        <label className="field">
          <span className="field-label">Targets</span>
          <textarea
            className="input mono"
            data-testid="scan-targets"
            rows={4}
            value={targets}
            onChange={(e) => setTargets(e.target.value)}
            placeholder={'10.0.0.0/22\n10.0.1-2.1-50\n10.0.5.17:8080'}
            spellCheck={false}
            aria-describedby="scan-targets-help"
          />
          <span className="field-help muted" id="scan-targets-help">
            CIDR blocks, ranges (10.0.1-2.1-50) or host[:port]; one per line or comma separated.
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={mdns} onChange={(e) => setMdns(e.target.checked)} /> Listen for mDNS
          announcements too
        </label>
        <details className="advanced">
          <summary>Advanced</summary>
          <div className="field-row">
            <label className="field">
              <span className="field-label">Concurrency</span>
              <input
                className="input"
                inputMode="numeric"
                value={concurrency}
                onChange={(e) => setConcurrency(e.target.value)}
                placeholder="1024"
              />
              <span className="field-help muted">sockets in flight (1–4096)</span>
            </label>
            <label className="field">
              <span className="field-label">Timeout (ms)</span>
              <input
                className="input"
                inputMode="numeric"
                value={timeout}
                onChange={(e) => setTimeoutText(e.target.value)}
                placeholder="400"
              />
              <span className="field-help muted">per connection attempt (20–10000)</span>
            </label>
          </div>
        </details>
        {formErrors.length ? (
          <ul className="error-message" role="alert">
            {formErrors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : null}
        <div className="form-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="scan-start"
            disabled={!api || running || starting}
          >
            {starting ? 'Starting…' : running ? 'Scan running' : 'Start scan'}
          </button>
          {!api ? <span className="muted">Not connected to a Hashwatch host.</span> : null}
        </div>
        <ErrorMessage error={error} testId="scan-error" />
      </form>
    </section>
  );
}

function ScanStatus() {
  const api = useApi();
  const store = useAppStoreApi();
  const p = useAppStore((s) => s.scanProgress);
  const results = useAppStore((s) => s.scanResults);
  const [cancelling, setCancelling] = useState(false);
  if (!p) return null;
  const done = p.done;
  const summary = p.summary ?? results?.summary ?? null;
  const state = results?.state ?? (done ? (summary?.cancelled ? 'cancelled' : 'done') : 'running');
  // A cancelled or failed scan shows how far it got, not a full bar.
  const complete = done && state === 'done';
  const pct = progressFraction(p.probed, p.total, complete) * 100;
  return (
    <section className="panel" aria-labelledby="progress-title">
      <h2 id="progress-title">
        {done ? 'Last scan' : 'Scanning'}{' '}
        <span
          className={`badge tone-${state === 'done' ? 'ok' : state === 'running' ? 'info' : state === 'failed' ? 'bad' : 'warn'}`}
        >
          {state}
        </span>
      </h2>
      <div className="scan-progress-row">
        <div
          className={`progress${complete ? ' done' : done ? ' stopped' : ''}`}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={p.total}
          aria-valuenow={Math.min(p.probed, p.total)}
          aria-valuetext={progressLabel(p.probed, p.total, complete)}
          data-testid="scan-progress"
          data-probed={p.probed}
          data-total={p.total}
          data-done={String(done)}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        {!done ? (
          <button
            type="button"
            className="button"
            data-testid="scan-cancel"
            disabled={!api || cancelling}
            onClick={() => {
              if (!api) return;
              setCancelling(true);
              void cancelScan(api, store).finally(() => setCancelling(false));
            }}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      <p className="scan-progress-text">
        {progressLabel(p.probed, p.total, complete)} · <strong>{formatNumber(p.found)}</strong>{' '}
        {done ? 'found' : 'found so far'}
        {summary ? (
          <span className="muted">
            {' '}
            · {formatNumber(summary.responsive)} answered, {formatNumber(summary.vnish)} vnish,{' '}
            {formatNumber(summary.other)} other, {formatNumber(summary.moved)} moved
            {summary.mdnsCandidates ? `, ${formatNumber(summary.mdnsCandidates)} via mDNS` : ''} · took{' '}
            {formatDuration(summary.durationMs)}
          </span>
        ) : null}
      </p>
      <ErrorMessage error={results?.error ?? null} />
    </section>
  );
}

function ScanResultsPanel() {
  const results = useAppStore((s) => s.scanResults);
  const error = useAppStore((s) => s.scanResultsError);
  const scanId = useAppStore((s) => s.scanId);
  if (scanId === null) return null;
  const miners = results ? sortFound(results.miners) : [];
  const managed = miners.filter((m) => m.managed).length;
  return (
    <section className="panel" aria-labelledby="results-title">
      <h2 id="results-title">
        Found miners{' '}
        {results ? (
          <span className="muted">
            {formatNumber(managed)} managed · {formatNumber(miners.length - managed)} not managed
            {results.state === 'running' ? ' · so far' : ''}
          </span>
        ) : null}
      </h2>
      <ErrorMessage error={error} />
      {!results ? (
        error ? null : (
          <p className="muted">Results appear when the scan ends.</p>
        )
      ) : miners.length === 0 ? (
        <p className="muted" data-testid="scan-results" data-count={0}>
          No miners answered in these targets.
        </p>
      ) : (
        <div className="table-scroll results-scroll">
          <table className="table compact" data-testid="scan-results" data-count={miners.length}>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Firmware</th>
                <th scope="col">Model</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  TH/s
                </th>
                <th scope="col">MAC</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {miners.slice(0, MAX_RESULT_ROWS).map((m) => (
                <FoundRow key={`${m.address}|${m.kind}`} m={m} />
              ))}
            </tbody>
          </table>
          {miners.length > MAX_RESULT_ROWS ? (
            <p className="muted small table-note">
              Showing the first {formatNumber(MAX_RESULT_ROWS)} of {formatNumber(miners.length)} (managed
              first). Every managed miner is on the Miners page.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

function FoundRow({ m }: { m: FoundMiner }) {
  if (!m.managed) {
    return (
      <tr data-testid="scan-result-row" data-managed="false" data-kind={m.kind} className="found-other">
        <td className="mono">{m.address}</td>
        <td>
          <span className="badge tone-muted">{m.kind}</span> <span className="muted">found, not managed</span>
        </td>
        <td>{m.model ?? DASH}</td>
        <td>{DASH}</td>
        <td>{DASH}</td>
        <td className="num">{DASH}</td>
        <td className="mono">{m.mac ?? DASH}</td>
        <td className="wrap muted">{m.detail}</td>
      </tr>
    );
  }
  const snap = m.snapshot;
  return (
    <tr data-testid="scan-result-row" data-managed="true" data-kind="vnish">
      <td className="mono">
        {m.address}
        {m.previousAddress ? (
          <div className="muted small" data-testid="scan-result-moved">
            moved from {m.previousAddress}
          </div>
        ) : null}
      </td>
      <td>
        <span className="badge tone-ok">vnish</span> <span className="muted">managed</span>
      </td>
      <td>{snap?.model ?? m.model ?? DASH}</td>
      <td>{snap?.firmware.version ?? m.firmwareVersion ?? DASH}</td>
      <td>{snap ? <StateBadge state={snap.state} /> : DASH}</td>
      <td className="num">{formatThs(snap?.hashrateThs)}</td>
      <td className="mono">{m.mac ?? DASH}</td>
      <td className="wrap">
        {m.error ? (
          <span className="tone-bad">
            {m.error.code}: {m.error.message}
          </span>
        ) : (
          <span className="muted">{m.detail}</span>
        )}
      </td>
    </tr>
  );
}

/** Managed first, then by address in numeric order. */
function sortFound(miners: readonly FoundMiner[]): FoundMiner[] {
  return [...miners].sort(
    (a, b) =>
      Number(b.managed) - Number(a.managed) || a.address.localeCompare(b.address, 'en', { numeric: true }),
  );
}

function RecentScans() {
  const api = useApi();
  const store = useAppStoreApi();
  const scans = useAppStore((s) => s.recentScans);
  const error = useAppStore((s) => s.recentScansError);
  const current = useAppStore((s) => s.scanId);
  const live = useAppStore((s) => s.scanProgress);
  const nowMs = useAppStore(selectServerNowMs);
  return (
    <section className="panel" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent scans</h2>
      <ErrorMessage error={error} />
      {scans === null ? (
        error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : scans.length === 0 ? (
        <p className="muted">No scans yet.</p>
      ) : (
        <table className="table compact" data-testid="recent-scans">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Targets</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Probed
              </th>
              <th scope="col" className="num">
                vnish
              </th>
              <th scope="col" className="num">
                Other
              </th>
              <th scope="col" className="num">
                Took
              </th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {scans.map((listed) => {
              // The followed scan's figures are live; the list is only reloaded when a scan ends.
              const s = listed.scanId === current && live ? { ...listed, progress: live } : listed;
              return (
                <tr key={s.scanId} className={s.scanId === current ? 'selected-row' : undefined}>
                  <td>{formatClock(s.startedAt, nowMs)}</td>
                  <td className="mono wrap">{targetsSummary(s.targets)}</td>
                  <td>{s.state === 'running' && s.progress.done ? 'finishing' : s.state}</td>
                  <td className="num">
                    {formatNumber(s.progress.probed)} / {formatNumber(s.progress.total)}
                  </td>
                  <td className="num">{formatNumber(s.summary?.vnish)}</td>
                  <td className="num">{formatNumber(s.summary?.other)}</td>
                  <td className="num">{s.summary ? formatDuration(s.summary.durationMs) : DASH}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      disabled={!api || s.scanId === current}
                      onClick={() => api && void showScan(api, store, s.scanId)}
                    >
                      {s.scanId === current ? 'shown' : 'show'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The first targets, then how many more: a 100-host list must not fill the table. */
function targetsSummary(targets: readonly string[]): string {
  if (targets.length === 0) return 'mDNS only';
  const head = targets.slice(0, 3).join(', ');
  return targets.length > 3 ? `${head} +${formatNumber(targets.length - 3)} more` : head;
}
