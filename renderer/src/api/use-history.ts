/**
 * Loads a history range for a chart and refreshes it on a timer, keeping the last good answer on screen
 * while the next one loads (a chart that blinks empty every minute is worse than one a minute old).
 */
import { useEffect, useState } from 'react';
import type { History } from '../../../shared/api/fleet.js';
import type { HashwatchApi } from '../../../shared/contract.js';
import type { AppError } from '../../../shared/errors.js';

/** What a chart reads. */
export interface HistoryState {
  history: History | null;
  error: AppError | null;
  loading: boolean;
  /** The range asked for (epoch ms). */
  fromMs: number;
  toMs: number;
}

/**
 * Fetches `[now - rangeMs, now]` for the fleet (minerId null) or one miner, now and every
 * `refreshMs`; a new range or miner starts over.
 */
export function useHistory(
  api: HashwatchApi | null,
  minerId: string | null,
  rangeMs: number,
  refreshMs: number,
): HistoryState {
  const [state, setState] = useState<HistoryState>(() => {
    const now = Date.now();
    return { history: null, error: null, loading: api !== null, fromMs: now - rangeMs, toMs: now };
  });
  useEffect(() => {
    if (!api) return;
    let live = true;
    const load = async () => {
      const to = Date.now();
      const from = to - rangeMs;
      setState((s) => ({ ...s, loading: true }));
      const r =
        minerId === null
          ? await api.call('fleet.history', { from, to })
          : await api.call('miners.history', { id: minerId, from, to });
      if (!live) return;
      setState((s) =>
        r.ok
          ? { history: r.value, error: null, loading: false, fromMs: from, toMs: to }
          : { ...s, error: r.error, loading: false },
      );
    };
    setState((s) => ({ ...s, history: null, error: null }));
    void load();
    const timer = window.setInterval(() => void load(), refreshMs);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [api, minerId, rangeMs, refreshMs]);
  return state;
}
