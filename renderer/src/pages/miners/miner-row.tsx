/**
 * One row of the Miners table. Memoised on its record object (replaced on every change), so a tick
 * re-renders only the rows that changed (and every row when "now" advances, for their ages).
 */
import { memo } from 'react';
import type { MinerRecord } from '../../../../shared/miner.js';
import { FreshnessBadge, StateBadge } from '../../components/badges.js';
import {
  DASH,
  formatAge,
  formatJth,
  formatTempC,
  formatThs,
  formatUptime,
  formatWatts,
} from '../../logic/format.js';
import {
  displayFreshness,
  isFailing,
  lastSeenMs,
  shownSnapshot,
  type FreshnessContext,
} from '../../logic/freshness.js';
import { summariseFans, summarisePools } from '../../logic/miner-summary.js';
import { displayState, shortModel } from '../../logic/miner-table.js';

export interface MinerRowProps {
  record: MinerRecord;
  ctx: FreshnessContext;
  /** 0-based position in the sorted, filtered list. */
  index: number;
  selected: boolean;
  onOpen(id: string): void;
}

function Figure({ text, stale }: { text: string; stale: boolean }) {
  if (text === DASH || !stale) return <>{text}</>;
  return (
    <>
      {text}
      <span className="sr-only"> (stale)</span>
    </>
  );
}

export const MinerRow = memo(function MinerRow({ record, ctx, index, selected, onOpen }: MinerRowProps) {
  const fr = displayFreshness(record, ctx);
  const snap = shownSnapshot(record, fr);
  const identity = record.snapshot;
  const stale = fr === 'stale';
  const seen = lastSeenMs(record);
  const age = seen === null ? null : formatAge(ctx.nowMs - seen);
  const fans = snap ? summariseFans(snap.fans) : null;
  const pools = snap ? summarisePools(snap.pools) : null;
  const failing = fr === 'live' && isFailing(snap);
  const cls = ['miner-row', `fr-${fr}`, failing ? 'failing' : '', selected ? 'selected' : '']
    .filter(Boolean)
    .join(' ');
  const figureTitle = stale ? 'Last reported figure, not live' : undefined;

  return (
    <tr
      className={cls}
      data-testid="miner-row"
      data-miner-id={record.id}
      data-freshness={fr}
      aria-rowindex={index + 2}
      tabIndex={0}
      onClick={() => onOpen(record.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(record.id);
        }
      }}
    >
      <td
        className="mono"
        title={identity?.hostname ? `${record.address} (${identity.hostname})` : record.address}
      >
        {record.address}
      </td>
      <td className="mono">{record.mac ?? DASH}</td>
      <td title={identity?.model ?? undefined}>{shortModel(identity?.model) ?? DASH}</td>
      <td title={identity?.firmware.name ?? undefined}>{identity?.firmware.version ?? DASH}</td>
      <td>
        <StateBadge state={displayState(record, fr)} lastKnown={stale} />
      </td>
      <td className="num" title={figureTitle}>
        <Figure text={formatThs(snap?.hashrateThs)} stale={stale} />
      </td>
      <td className="num" title={figureTitle}>
        <Figure text={formatThs(snap?.hashrateAvgThs)} stale={stale} />
      </td>
      <td className="num" title={figureTitle}>
        <Figure text={formatWatts(snap?.powerW)} stale={stale} />
      </td>
      <td className="num" title={figureTitle}>
        <Figure text={formatJth(snap?.efficiencyJth)} stale={stale} />
      </td>
      <td
        className={`num${snap?.chipTempMaxC != null && snap.chipTempMaxC >= 85 ? ' tone-bad' : ''}`}
        title={figureTitle}
      >
        <Figure text={formatTempC(snap?.chipTempMaxC)} stale={stale} />
      </td>
      <td className={fans ? `tone-${fans.tone}` : undefined} title={fans?.detail}>
        {fans?.text ?? DASH}
      </td>
      <td className={pools ? `tone-${pools.tone}` : undefined}>{pools?.text ?? DASH}</td>
      <td className="num">{formatUptime(snap?.uptimeS)}</td>
      <td>
        <FreshnessBadge freshness={fr} age={age} />
      </td>
    </tr>
  );
});
