/**
 * A small hand-written SVG line chart (no chart package): one quantity over time, gaps left as gaps.
 *
 * The geometry is in logic/chart.ts; this only draws. Colours come from CSS variables, so the chart
 * follows the light/dark theme.
 */
import { useState, type MouseEvent } from 'react';
import {
  linePath,
  linearScale,
  nearestIndex,
  timeTicks,
  typicalStepMs,
  yAxis,
  type ChartPoint,
} from '../logic/chart.js';

/** One line. */
export interface ChartSeries {
  label: string;
  points: readonly ChartPoint[];
  /** CSS colour, e.g. `var(--accent)`. */
  color: string;
  /** Drawn dashed (e.g. a nominal or threshold reference). */
  dashed?: boolean;
}

/** What the chart draws. */
export interface LineChartProps {
  title: string;
  series: readonly ChartSeries[];
  fromMs: number;
  toMs: number;
  /** Formats a y tick / value, with the unit. */
  formatY: (v: number) => string;
  /** Formats an x tick. */
  formatT: (t: number) => string;
  /** Start the y axis at 0 (quantities) or fit the data (temperatures). */
  fromZero?: boolean;
  /** The smallest y range drawn, so noise on a steady value does not fill the chart. */
  minSpan?: number;
  /** Ticks on whole numbers (values shown without decimals). */
  integerTicks?: boolean;
  testId?: string;
}

const W = 640;
const H = 170;
const PAD = { left: 64, right: 12, top: 10, bottom: 22 };

/** The chart, or a short note when there is nothing to draw. */
export function LineChart({
  title,
  series,
  fromMs,
  toMs,
  formatY,
  formatT,
  fromZero = true,
  minSpan,
  integerTicks,
  testId,
}: LineChartProps) {
  const values = series.flatMap((s) => s.points.map((p) => p.v));
  const hasData = values.some((v) => v !== null && Number.isFinite(v));
  const { min, max, ticks } = yAxis(values, { fromZero, minSpan, integer: integerTicks });
  const x = linearScale(fromMs, toMs, PAD.left, W - PAD.right);
  const y = linearScale(min, max, H - PAD.bottom, PAD.top);
  const xt = timeTicks(fromMs, toMs, 6);
  // Hover readout: the time under the pointer, snapped to the first series' nearest point.
  const [hoverT, setHoverT] = useState<number | null>(null);
  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    if (box.width === 0) return;
    const px = ((e.clientX - box.left) / box.width) * W;
    const t = linearScale(PAD.left, W - PAD.right, fromMs, toMs)(px);
    const first = series[0]?.points ?? [];
    const i = nearestIndex(first, t);
    setHoverT(i < 0 ? null : first[i]!.t);
  };
  const readout =
    hoverT === null
      ? null
      : series.map((s) => {
          const i = nearestIndex(s.points, hoverT);
          const v = i < 0 ? null : s.points[i]!.v;
          return `${s.label} ${v === null ? '\u2014' : formatY(v)}`;
        });
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {readout !== null && hoverT !== null ? (
            <span className="chart-readout" data-testid="chart-readout">
              {formatT(hoverT)} · {readout.join(' · ')}
            </span>
          ) : null}
          {readout === null &&
            series.map((s) => (
              <span key={s.label} className="chart-key">
                <span
                  className={`chart-swatch${s.dashed ? ' dashed' : ''}`}
                  style={{ borderColor: s.color }}
                  aria-hidden="true"
                />
                {s.label} {latestText(s.points, formatY)}
              </span>
            ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="chart-svg"
        role="img"
        aria-label={title}
        onMouseMove={hasData ? onMove : undefined}
        onMouseLeave={() => setHoverT(null)}
      >
        {ticks.map((t) => (
          <g key={t} className="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {formatY(t)}
            </text>
          </g>
        ))}
        {xt.map((t) => (
          <text key={t} className="chart-xtick" x={x(t)} y={H - 6} textAnchor="middle">
            {formatT(t)}
          </text>
        ))}
        {series.map((s) => {
          const step = typicalStepMs(s.points);
          // A hole of more than three typical steps is missing data, not a slope.
          const d = linePath(s.points, x, y, step === null ? Infinity : step * 3);
          return d ? (
            <path
              key={s.label}
              d={d}
              fill="none"
              stroke={s.color}
              strokeWidth={1.6}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              vectorEffect="non-scaling-stroke"
            />
          ) : null;
        })}
        {hoverT !== null ? (
          <line className="chart-cursor" x1={x(hoverT)} x2={x(hoverT)} y1={PAD.top} y2={H - PAD.bottom} />
        ) : null}
        {!hasData ? (
          <text x={W / 2} y={H / 2} textAnchor="middle" className="chart-empty">
            No data in this range yet
          </text>
        ) : null}
      </svg>
    </figure>
  );
}

function latestText(points: readonly ChartPoint[], format: (v: number) => string): string {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]!.v;
    if (v !== null && Number.isFinite(v)) return `· ${format(v)}`;
  }
  return '';
}
