/**
 * Clock slice: "now" for freshness, on the core's clock.
 *
 * Ages are measured against the core's timestamps, and the browser showing them (a phone on the farm's
 * LAN) may have a different clock; each `fleet.tick` carries the core's time, from which the offset is
 * learnt. `localNowMs` advances on a timer outside React so ages and staleness update without ticks.
 */
import type { SliceCreator } from './types.js';

/** Default: two polls at the default 10 s interval, plus grace for a slow cycle. */
export const DEFAULT_STALE_AFTER_MS = 25_000;

/** Time for freshness: local now, core offset, stale threshold. */
export interface ClockSlice {
  localNowMs: number;
  /** Core clock minus local clock, ms. */
  serverOffsetMs: number;
  /** A live record older than this is displayed as stale. */
  staleAfterMs: number;
  setLocalNow(ms: number): void;
  /** Learns the offset from a core timestamp received at local time `localMs`. */
  noteServerTime(iso: string, localMs: number): void;
  setStaleAfterMs(ms: number): void;
}

/** The clock slice, starting at `initialNowMs`. */
export const createClockSlice =
  (initialNowMs: number): SliceCreator<ClockSlice> =>
  (set, get) => ({
    localNowMs: initialNowMs,
    serverOffsetMs: 0,
    staleAfterMs: DEFAULT_STALE_AFTER_MS,
    setLocalNow(ms) {
      set({ localNowMs: ms });
    },
    noteServerTime(iso, localMs) {
      const t = Date.parse(iso);
      if (!Number.isFinite(t)) return;
      const offset = t - localMs;
      // Ignore jitter below a second so the offset does not churn every derived value on each tick.
      if (Math.abs(offset - get().serverOffsetMs) >= 1000) set({ serverOffsetMs: offset });
    },
    setStaleAfterMs(ms) {
      if (Number.isFinite(ms) && ms > 0) set({ staleAfterMs: ms });
    },
  });
