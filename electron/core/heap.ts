/**
 * V8 heap settings for the process that runs the core (Electron main process or `hashwatch serve`).
 *
 * Polling a farm keeps a little state per miner for hours (a keep-alive socket, identity, schedule,
 * latest snapshot: ~100 MB of live objects at 10,000 miners) while every poll makes short-lived objects,
 * some of which outlive a young-generation collection and then die in the old generation. With V8's
 * defaults the old generation ends up about 60% larger than what is live (free holes between the
 * survivors, plus 1.6x growth before each major collection) and the young generation takes 32 MB: RSS
 * ~360 MB at 10,000 miners (tests/bench/poll.ts; README, "Memory").
 *
 * - `--max-old-space-size=1024`: a ceiling, so V8 sizes its growth steps for a 1 GB heap, not 4 GB.
 * - `--max-semi-space-size=8`: a 16 MB young generation instead of 32 MB.
 * - `--heap-growing-percent=20`: the next major collection when the heap is 1.2x what was live.
 * - Compaction on demand, in small steps: every 2 s, while the old generation's free holes exceed a
 *   quarter of what is live, the process switches V8 to its memory-saving mode (`--optimize-for-size`)
 *   until the next major collection has run. In that mode a major collection also empties the pages
 *   that are at least a fifth free, up to ~6 MB of survivors moved, and gives them back. One step every
 *   2 s at most keeps the mode's other costs (it would rather collect than grow the old generation)
 *   to a few seconds a minute, and each step short. `--compact-on-every-full-gc`, the other switch V8
 *   reads at run time, moves *everything* at once: pauses of up to ~300 ms at 10,000 miners, during
 *   which the live objects (~90 MB) are resident twice, old and new copies: an RSS peak of ~350 MB
 *   that sampling between pauses never sees (the kernel's high-water mark does; tests/bench/poll.ts).
 *
 * The first two shape the heap when V8 starts, so they can only be given on the command line (`npm
 * start`, `npm run serve` and the other scripts do). The others are read at every major collection, so
 * `tuneHeap()` sets them from inside the process, and even a bare launch gets them.
 */
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Given on the command line: `node <flags> ...` or `electron --js-flags="<flags>" ...`. */
export const LAUNCH_HEAP_FLAGS = ['--max-old-space-size=1024', '--max-semi-space-size=8'] as const;

/** Set at run time by `tuneHeap()`. */
export const RUNTIME_HEAP_FLAGS = ['--heap-growing-percent=20'] as const;

export interface HeapTuning {
  /** Compaction steps the governor asked for (each lasts until the next major collection ends). */
  compactions(): number;
  /** Time spent with V8's memory-saving mode on, ms. */
  compactingMs(): number;
  stop(): void;
}

export interface HeapTuningOptions {
  /** How often the old generation's free space is checked. Default 2 s. */
  checkEveryMs?: number;
  /** Compact when free space in the old generation exceeds this share of what is used. Default 0.25. */
  maxFreeShare?: number;
  /** ...and this many bytes (small heaps are left alone). Default 16 MB. */
  minFreeBytes?: number;
}

const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');

/** Free bytes held by the old generation beyond the allowed share, or <= 0 when within it. */
function excessFree(o: v8.HeapSpaceInfo, share: number, min: number): number {
  const free = o.space_size - o.space_used_size;
  return free - Math.max(min, share * o.space_used_size);
}

/**
 * Applies the run-time heap settings to this process and starts compaction on demand. Call once, first
 * thing, in the process's entry point; `stop()` at shutdown (its timer does not keep the process alive).
 */
export function tuneHeap(opts: HeapTuningOptions = {}): HeapTuning {
  for (const flag of RUNTIME_HEAP_FLAGS) v8.setFlagsFromString(flag);
  const share = opts.maxFreeShare ?? 0.25;
  const min = opts.minFreeBytes ?? 16 * 1024 * 1024;
  let compacting = false;
  let compactions = 0;
  let since = 0;
  let onMs = 0;
  const set = (on: boolean) => {
    if (on === compacting) return;
    compacting = on;
    if (on) {
      compactions++;
      since = performance.now();
    } else onMs += performance.now() - since;
    v8.setFlagsFromString(on ? '--optimize-for-size' : '--no-optimize-for-size');
  };
  // One step: off again once a major collection has ended (one that was already under way when the mode
  // went on may have picked its pages before; the next check starts another step).
  const gcs = new PerformanceObserver((list) => {
    if (!compacting) return;
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      set(false);
      break;
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const o = oldSpace();
    if (!compacting && o && excessFree(o, share, min) > 0) set(true);
  }, opts.checkEveryMs ?? 2000);
  timer.unref();
  return {
    compactions: () => compactions,
    compactingMs: () => onMs + (compacting ? performance.now() - since : 0),
    stop() {
      clearInterval(timer);
      gcs.disconnect();
      set(false);
    },
  };
}
