/**
 * What the technician may believe about a miner's figures right now.
 *
 * The core marks each record `live`, `stale`, `offline` or `never`; the renderer adds two rules of its
 * own, because it can be cut off from the core: a `live` record whose last answer is older than
 * `staleAfterMs` (on the core's clock) is shown as stale, and while the connection to the core is down
 * nothing is shown as live. An offline miner's last hashrate is never displayed as a current figure.
 */
import type { MinerRecord, MinerSnapshot } from '../../../shared/miner.js';

/** Freshness as displayed (the core's verdict plus the renderer's own rules). */
export type DisplayFreshness = 'live' | 'stale' | 'offline' | 'never';

/** The facts the freshness rules need besides the record itself. */
export interface FreshnessContext {
  /** Now, on the core's clock (local clock plus the offset learnt from `fleet.tick`), epoch ms. */
  nowMs: number;
  /** A live record older than this is shown as stale. */
  staleAfterMs: number;
  /** Whether the renderer currently hears from the core. */
  connected: boolean;
}

// Records are replaced, never mutated, so the parsed time can be cached per record object: sorting
// 10,000 rows would otherwise parse 10,000 ISO strings on every tick.
const seenCache = new WeakMap<MinerRecord, number | null>();

/** When the miner last answered, epoch ms, or null when it never did (or the time is unreadable). */
export function lastSeenMs(record: MinerRecord): number | null {
  let t = seenCache.get(record);
  if (t === undefined) {
    const iso = record.lastSeenAt ?? record.snapshot?.polledAt ?? null;
    const parsed = iso ? Date.parse(iso) : NaN;
    t = Number.isFinite(parsed) ? parsed : null;
    seenCache.set(record, t);
  }
  return t;
}

/** The freshness to display for a record under the rules above. */
export function displayFreshness(record: MinerRecord, ctx: FreshnessContext): DisplayFreshness {
  if (record.freshness === 'offline') return 'offline';
  // Without a snapshot there is nothing to show, whatever the core calls the record.
  if (record.freshness === 'never' || record.snapshot === null) return 'never';
  if (record.freshness === 'stale') return 'stale';
  if (!ctx.connected) return 'stale';
  const seen = lastSeenMs(record);
  if (seen === null || ctx.nowMs - seen > ctx.staleAfterMs) return 'stale';
  return 'live';
}

/**
 * The snapshot whose figures may be displayed for a record: the latest one when live or stale (stale
 * figures are shown marked as stale), none for offline and never-seen miners.
 */
export function shownSnapshot(record: MinerRecord, freshness: DisplayFreshness): MinerSnapshot | null {
  return freshness === 'live' || freshness === 'stale' ? record.snapshot : null;
}

/** A live miner that reports the `failure` state or a failed hash board. */
export function isFailing(snapshot: MinerSnapshot | null): boolean {
  if (!snapshot) return false;
  return snapshot.state === 'failure' || snapshot.chains.some((c) => c.state === 'failure');
}

/** States in which a miner is producing hashrate on purpose (auto-tuning counts: it is working). */
export function isMiningState(snapshot: MinerSnapshot | null): boolean {
  return snapshot !== null && (snapshot.state === 'mining' || snapshot.state === 'auto-tuning');
}
