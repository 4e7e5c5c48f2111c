/**
 * Small status badges shared by the pages: miner state and data freshness.
 */
import type { DisplayFreshness } from '../logic/freshness.js';
import type { Tone } from '../logic/miner-summary.js';

/** The tone a miner state is shown in. */
export function stateTone(state: string): Tone | 'info' {
  switch (state) {
    case 'mining':
      return 'ok';
    case 'auto-tuning':
    case 'initializing':
    case 'starting':
    case 'restarting':
      return 'info';
    case 'failure':
      return 'bad';
    case 'stopped':
    case 'shutting-down':
      return 'warn';
    default:
      return 'muted';
  }
}

/** A miner or board state as a coloured badge (grey when it is only the last known state). */
export function StateBadge({ state, lastKnown = false }: { state: string; lastKnown?: boolean }) {
  // A state that is only the last one reported is not coloured as if it were current.
  return lastKnown ? (
    <span className="badge tone-muted" title="Last known state, not live">
      {state}
    </span>
  ) : (
    <span className={`badge tone-${stateTone(state)}`}>{state}</span>
  );
}

const FRESHNESS_TONE: Record<DisplayFreshness, Tone | 'info'> = {
  live: 'ok',
  stale: 'warn',
  offline: 'muted',
  never: 'muted',
};

/** Freshness with the age of the data: `live 4 s`, `stale 3 min`, `offline 2 h`. */
export function FreshnessBadge({ freshness, age }: { freshness: DisplayFreshness; age: string | null }) {
  return (
    <span className={`freshness tone-${FRESHNESS_TONE[freshness]}`} title={freshnessTitle(freshness)}>
      <span className="freshness-dot" aria-hidden="true" />
      {freshness}
      {age !== null && freshness !== 'never' ? <span className="freshness-age"> {age}</span> : null}
    </span>
  );
}

/** The tooltip explaining what a freshness means for the figures. */
export function freshnessTitle(freshness: DisplayFreshness): string {
  switch (freshness) {
    case 'live':
      return 'Live: answered within the last poll intervals';
    case 'stale':
      return 'Stale: these are the last figures reported, not live ones';
    case 'offline':
      return 'Offline: the miner does not answer; no current figures';
    case 'never':
      return 'Not polled yet: no figures';
  }
}
