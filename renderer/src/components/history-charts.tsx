/**
 * The history charts of the Dashboard (fleet) and the miner drawer (one miner).
 */
import type { History, HistoryPoint } from '../../../shared/api/fleet.js';
import type { ChartPoint } from '../logic/chart.js';
import { formatFleetHashrate, formatFleetPower, formatNumber, formatTick } from '../logic/format.js';
import type { HistoryState } from '../api/use-history.js';
import { ErrorMessage } from './error-message.js';
import { LineChart } from './line-chart.js';

/** One field of the history as chart points. */
export function seriesOf(history: History | null, field: keyof HistoryPoint): ChartPoint[] {
  if (!history) return [];
  return history.points.map((p) => {
    const v = p[field];
    return { t: p.t, v: typeof v === 'number' ? v : null };
  });
}

function Status({ h }: { h: HistoryState }) {
  return (
    <div className="chart-status">
      <ErrorMessage error={h.error} />
      {h.history ? (
        <span className="muted small">
          {h.history.resolution === 'raw' ? 'every poll' : `${h.history.resolution} averages`} ·{' '}
          {formatNumber(h.history.points.length)} points
        </span>
      ) : h.loading ? (
        <span className="muted small">Loading history…</span>
      ) : null}
    </div>
  );
}

/** Hashrate against nominal, for the fleet or one miner. */
function HashrateChart(props: {
  h: HistoryState;
  testId: string;
  formatY: (v: number) => string;
  formatT: (t: number) => string;
}) {
  const { h } = props;
  return (
    <LineChart
      title="Hashrate"
      testId={props.testId}
      fromMs={h.fromMs}
      toMs={h.toMs}
      formatY={props.formatY}
      formatT={props.formatT}
      series={[
        { label: 'hashrate', color: 'var(--accent)', points: seriesOf(h.history, 'hashrateThs') },
        { label: 'nominal', color: 'var(--muted)', dashed: true, points: seriesOf(h.history, 'nominalThs') },
      ]}
    />
  );
}

/** Fleet hashrate (with nominal) and power. */
export function FleetCharts({ h }: { h: HistoryState }) {
  const span = h.toMs - h.fromMs;
  const fmtT = (t: number) => formatTick(t, span);
  return (
    <div className="charts" data-testid="fleet-charts">
      <HashrateChart h={h} testId="chart-hashrate" formatY={formatFleetHashrate} formatT={fmtT} />
      <LineChart
        title="Power"
        testId="chart-power"
        fromMs={h.fromMs}
        toMs={h.toMs}
        formatY={formatFleetPower}
        formatT={fmtT}
        series={[{ label: 'power', color: 'var(--warn)', points: seriesOf(h.history, 'powerW') }]}
      />
      <Status h={h} />
    </div>
  );
}

/** One miner's hashrate and hottest chip. */
export function MinerCharts({ h }: { h: HistoryState }) {
  const span = h.toMs - h.fromMs;
  const fmtT = (t: number) => formatTick(t, span);
  return (
    <div className="charts" data-testid="miner-charts">
      <HashrateChart
        h={h}
        testId="chart-miner-hashrate"
        formatY={(v) => `${formatNumber(v, v < 10 ? 1 : 0)} TH/s`}
        formatT={fmtT}
      />
      <LineChart
        title="Chip temperature (hottest)"
        testId="chart-miner-temp"
        fromMs={h.fromMs}
        toMs={h.toMs}
        fromZero={false}
        minSpan={10}
        integerTicks
        formatY={(v) => `${formatNumber(v, 0)} °C`}
        formatT={fmtT}
        series={[{ label: 'chip max', color: 'var(--bad)', points: seriesOf(h.history, 'chipTempMaxC') }]}
      />
      <Status h={h} />
    </div>
  );
}
