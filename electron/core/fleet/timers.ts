/**
 * The timer functions fleet modules take as a dependency.
 *
 * Passed in next to the clock so tests drive scheduling with a manual clock instead of stubbing
 * globals or waiting in real time.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd so a pending poll never keeps a CLI process alive on its own. */
export const systemTimers: Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
