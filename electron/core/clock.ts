/**
 * The clock every time-dependent module takes as a dependency, so tests and the simulator's
 * accelerated time can drive it.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
