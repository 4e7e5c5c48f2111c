/**
 * The drawer's history: hashrate and hottest chip over 1 h / 24 h / 7 d (the core picks the
 * resolution), and the same range as CSV.
 */
import { useState } from 'react';
import { useApi } from '../../api/api-context.js';
import { useHistory } from '../../api/use-history.js';
import { ErrorMessage } from '../../components/error-message.js';
import { MinerCharts } from '../../components/history-charts.js';
import type { AppError } from '../../../../shared/errors.js';
import { csvFileName } from '../../logic/csv-download.js';
import { formatNumber } from '../../logic/format.js';

/** The ranges offered. */
export const HISTORY_RANGES = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
] as const;
type RangeId = (typeof HISTORY_RANGES)[number]['id'];

/** Charts refresh every minute while the drawer is open. */
const REFRESH_MS = 60_000;

export function MinerHistory({ minerId, address }: { minerId: string; address: string }) {
  const api = useApi();
  const [rangeId, setRangeId] = useState<RangeId>('1h');
  const range = HISTORY_RANGES.find((r) => r.id === rangeId) ?? HISTORY_RANGES[0];
  const h = useHistory(api, minerId, range.ms, REFRESH_MS);
  return (
    <section aria-labelledby="drawer-history-title" data-testid="drawer-history">
      <div className="section-head">
        <h3 id="drawer-history-title">History</h3>
        <div className="segmented" role="group" aria-label="History range">
          {HISTORY_RANGES.map((r) => (
            <button
              key={r.id}
              type="button"
              className="segment"
              aria-pressed={r.id === rangeId}
              data-testid={`history-range-${r.id}`}
              onClick={() => setRangeId(r.id)}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <MinerCharts h={h} />
      <CsvExport minerId={minerId} address={address} rangeMs={range.ms} rangeLabel={range.label} />
    </section>
  );
}

function CsvExport({
  minerId,
  address,
  rangeMs,
  rangeLabel,
}: {
  minerId: string;
  address: string;
  rangeMs: number;
  rangeLabel: string;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);

  const download = async () => {
    if (!api) return;
    setBusy(true);
    setError(null);
    setNote(null);
    setFallback(null);
    const to = Date.now();
    const r = await api.call('fleet.exportCsv', { from: to - rangeMs, to, minerId });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    const name = csvFileName(address, to);
    setNote(
      `${formatNumber(r.value.rows)} rows${r.value.truncated ? ' (truncated: the range held more than the export cap; choose a shorter range)' : ''}`,
    );
    try {
      const url = URL.createObjectURL(new Blob([r.value.csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      // No blob downloads here (a locked-down shell): show the CSV to copy instead.
      setFallback(r.value.csv);
    }
  };

  return (
    <div className="csv-export">
      <button
        type="button"
        className="button"
        data-testid="csv-download"
        disabled={!api || busy}
        onClick={() => void download()}
      >
        {busy ? 'Exporting…' : `Download CSV (${rangeLabel})`}
      </button>
      {note ? <span className="muted small">{note}</span> : null}
      {fallback !== null ? (
        <button type="button" className="link-button" onClick={() => setFallback(null)}>
          hide CSV
        </button>
      ) : null}
      <ErrorMessage error={error} />
      {fallback !== null ? (
        <textarea
          className="input mono csv-text"
          readOnly
          value={fallback}
          rows={8}
          aria-label="CSV to copy"
        />
      ) : null}
    </div>
  );
}
