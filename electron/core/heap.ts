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
 * - Compaction on demand: when the old generation's free holes pass a quarter of what is live, the next
 *   major collections also move the survivors out of half-empty pages and give those pages back
 *   (`--compact-on-every-full-gc`, switched off again once the holes are gone). Compacting every time
 *   would cost a long pause at every major collection; on demand it is one now and then.
 *
 * The first two shape the heap when V8 starts, so they can only be given on the command line (`npm
 * start`, `npm run serve` and the other scripts do). The others are read at every major collection, so
 * `tuneHeap()` sets them from inside the process, and even a bare launch gets them.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Given on the command line: `node <flags> ...` or `electron --js-flags="<flags>" ...`. */
export const LAUNCH_HEAP_FLAGS = ['--max-old-space-size=1024', '--max-semi-space-size=8'] as const;

/** Set at run time by `tuneHeap()`. */
export const RUNTIME_HEAP_FLAGS = ['--heap-growing-percent=20'] as const;

export interface HeapTuning {
  /** Major collections that compacted because the governor asked them to. */
  compactions(): number;
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
  const set = (on: boolean) => {
    if (on === compacting) return;
    compacting = on;
    v8.setFlagsFromString(on ? '--compact-on-every-full-gc' : '--no-compact-on-every-full-gc');
  };
  // A major collection decides on compaction when it starts, so one that was already under way when the
  // flag went on may not compact: the flag stays on until a major collection has left few holes.
  const gcs = new PerformanceObserver((list) => {
    if (!compacting) return;
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const o = oldSpace();
      if (!o || excessFree(o, share / 2, min / 2) <= 0) {
        compactions++;
        set(false);
      }
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
    stop() {
      clearInterval(timer);
      gcs.disconnect();
      set(false);
    },
  };
}
