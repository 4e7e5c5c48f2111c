/**
 * The poll scheduler: when each known miner is polled, how many at once, and how failures back off.
 *
 * Every miner gets a fixed phase inside the interval (a golden-ratio sequence, so miners added one at
 * a time still spread evenly) plus a little jitter, so a farm of 10,000 miners is polled as a steady
 * stream rather than a burst every interval (no thundering herd on the network or the database).
 * Concurrency is bounded; a miner is never polled twice at once. Unreachable miners back off
 * exponentially up to a cap, so a dead rack does not eat the budget of the live ones.
 * The scheduler knows nothing about vnish: it calls `poll(target)` and reports each outcome.
 */
import type { Clock } from '../clock.js';
import { DueHeap } from './due-heap.js';
import { systemTimers, type Timers } from './timers.js';

export interface PollTarget {
  id: string;
  address: string;
  mac: string | null;
}

export interface PollOutcome<T> {
  target: PollTarget;
  startedAt: number;
  finishedAt: number;
  /** The poll's value on success, else null. */
  value: T | null;
  /** What was thrown on failure, else null. */
  error: unknown;
  /** Consecutive failed polls of this miner, this one included (0 after a success). */
  failures: number;
}

export interface SchedulerOptions<T> {
  clock: Clock;
  timers?: Timers;
  /** [0, 1) source for jitter; seeded in tests. */
  random?: () => number;
  intervalMs?: number;
  /** Polls in flight at most. */
  maxConcurrent?: number;
  /** Jitter added to each due time, as a share of the interval (either side). */
  jitterShare?: number;
  /** Longest back-off of an unreachable miner (never shorter than the interval). */
  backoffCapMs?: number;
  /** Most polls started in one timer callback, so a backlog never stalls the event loop. */
  maxStartsPerTick?: number;
  /**
   * Pacing: polls start at most this many times faster than the schedule's own rate (miners per
   * interval), after a burst of `maxStartsPerTick`. Default 1.5. A backlog (after a pause of the event
   * loop, or many miners due at once) then drains as a steady flow instead of hundreds of requests
   * whose answers all land in one turn of the loop.
   */
  catchUpRate?: number;
  poll: (target: PollTarget) => Promise<T>;
  onOutcome: (outcome: PollOutcome<T>) => void;
}

export interface SchedulerStats {
  known: number;
  inFlight: number;
  queued: number;
  started: number;
  succeeded: number;
  failed: number;
  /** How late the most overdue poll is, ms (0 when the schedule is kept): is the poller keeping up? */
  lagMs: number;
}

export interface Scheduler {
  /** Start watching a miner (first poll within one interval, at its phase). No-op when known. */
  add(target: PollTarget): void;
  /** Change where a known miner is polled (it moved); the next poll uses the new address. */
  update(target: PollTarget): void;
  remove(id: string): void;
  has(id: string): boolean;
  /** Poll this miner as soon as a slot is free (after Hashwatch changed it). */
  pollSoon(id: string): void;
  setIntervalMs(ms: number): void;
  intervalMs(): number;
  /** Consecutive failures of a miner (0 when unknown or healthy). */
  failures(id: string): number;
  stats(): SchedulerStats;
  start(): void;
  /** Stop starting polls; resolves when the polls in flight have settled. Their outcomes are dropped. */
  stop(): Promise<void>;
}

interface Entry {
  target: PollTarget;
  /** Position in the interval, [0, 1). */
  phase: number;
  /** Phase-locked base of the next due time (jitter is added on top, never accumulated). */
  base: number;
  failures: number;
  inFlight: boolean;
  removed: boolean;
  /** Bumped whenever the entry is re-queued; heap items with an older token are ignored. */
  token: number;
}

interface QueueItem {
  entry: Entry;
  token: number;
}

const GOLDEN = 0.6180339887498949;
const MIN_TICK_MS = 5;

export function createScheduler<T>(opts: SchedulerOptions<T>): Scheduler {
  const { clock } = opts;
  const timers = opts.timers ?? systemTimers;
  const random = opts.random ?? Math.random;
  const maxConcurrent = Math.max(1, opts.maxConcurrent ?? 256);
  const jitterShare = opts.jitterShare ?? 0.02;
  const maxStartsPerTick = opts.maxStartsPerTick ?? 64;
  const catchUpRate = Math.max(1, opts.catchUpRate ?? 1.5);
  let interval = opts.intervalMs ?? 10_000;
  const backoffCap = () => Math.max(interval, opts.backoffCapMs ?? 120_000);

  const entries = new Map<string, Entry>();
  const heap = new DueHeap<QueueItem>();
  let phaseCounter = 0;
  let inFlight = 0;
  let running = false;
  let timer: unknown = null;
  let timerAt = Infinity;
  const settled = new Set<Promise<void>>();
  const stats = { started: 0, succeeded: 0, failed: 0 };

  const jitter = () => (random() * 2 - 1) * jitterShare * interval;

  // Token bucket for starts: holds up to one burst, refills at catchUpRate x the schedule's rate
  // (never slower than one burst a second, so a small farm is never held back).
  let tokens = maxStartsPerTick;
  let tokensAt = -Infinity;
  const refillPerMs = () => Math.max((catchUpRate * entries.size) / interval, maxStartsPerTick / 1000);
  const refill = (now: number) => {
    tokens = Math.min(maxStartsPerTick, tokens + (now - tokensAt) * refillPerMs());
    tokensAt = now;
  };

  const enqueue = (e: Entry, due: number) => {
    e.token++;
    heap.push(due, { entry: e, token: e.token });
  };

  /** Next due time after a poll: phase-locked on success, exponential back-off on failure. */
  const reschedule = (e: Entry, now: number) => {
    if (e.failures > 0) {
      // Two quick retries at the normal pace (a single lost answer is common), then back off.
      const factor = e.failures <= 2 ? 1 : 2 ** (e.failures - 2);
      e.base = now + Math.min(backoffCap(), interval * factor);
    } else {
      e.base += interval;
      // Fell behind by more than an interval (overload, sleep): resume from now, keep the phase share.
      if (e.base < now - interval) e.base = now + e.phase * interval * 0.1;
      else if (e.base < now) e.base = now;
    }
    enqueue(e, e.base + jitter());
  };

  const arm = () => {
    if (!running || inFlight >= maxConcurrent || heap.size === 0) return;
    const now = clock.now();
    const at = Math.max(heap.peekDue(), now + (heap.peekDue() <= now ? 0 : MIN_TICK_MS));
    if (timer !== null && timerAt <= at) return;
    if (timer !== null) timers.clearTimeout(timer);
    timerAt = at;
    timer = timers.setTimeout(onTimer, Math.max(0, at - now));
  };

  const onTimer = () => {
    timer = null;
    timerAt = Infinity;
    pump();
  };

  const pump = () => {
    if (!running) return;
    const now = clock.now();
    refill(now);
    while (inFlight < maxConcurrent && heap.peekDue() <= now) {
      if (tokens < 1) {
        // Leave the rest for when the bucket has refilled, so timers and I/O get a look in.
        const wait = Math.max(1, Math.ceil((1 - tokens) / refillPerMs()));
        if (timer !== null && timerAt <= now + wait) return;
        if (timer !== null) timers.clearTimeout(timer);
        timerAt = now + wait;
        timer = timers.setTimeout(onTimer, wait);
        return;
      }
      const item = heap.pop()!;
      const e = item.entry;
      if (item.token !== e.token || e.removed || e.inFlight) continue;
      start(e, now);
      tokens -= 1;
    }
    arm();
  };

  const start = (e: Entry, now: number) => {
    e.inFlight = true;
    inFlight++;
    stats.started++;
    const target = e.target;
    let p: Promise<T>;
    try {
      p = opts.poll(target);
    } catch (error) {
      p = Promise.reject(error);
    }
    const done = p.then(
      (value) => finish(e, target, now, value, null),
      (error: unknown) => finish(e, target, now, null, error ?? new Error('poll failed')),
    );
    settled.add(done);
    void done.finally(() => settled.delete(done));
  };

  const finish = (e: Entry, target: PollTarget, startedAt: number, value: T | null, error: unknown) => {
    e.inFlight = false;
    inFlight--;
    if (error === null) {
      e.failures = 0;
      stats.succeeded++;
    } else {
      e.failures++;
      stats.failed++;
    }
    const now = clock.now();
    if (!e.removed) reschedule(e, now);
    if (!running) return;
    opts.onOutcome({ target, startedAt, finishedAt: now, value, error, failures: e.failures });
    pump();
  };

  return {
    add(target) {
      if (entries.has(target.id)) return;
      const phase = (phaseCounter++ * GOLDEN) % 1;
      const e: Entry = {
        target: { ...target },
        phase,
        base: clock.now() + phase * interval,
        failures: 0,
        inFlight: false,
        removed: false,
        token: 0,
      };
      entries.set(target.id, e);
      enqueue(e, e.base + Math.abs(jitter()));
      arm();
    },
    update(target) {
      const e = entries.get(target.id);
      if (!e) return;
      e.target = { ...target };
    },
    remove(id) {
      const e = entries.get(id);
      if (!e) return;
      e.removed = true;
      e.token++;
      entries.delete(id);
    },
    has: (id) => entries.has(id),
    pollSoon(id) {
      const e = entries.get(id);
      if (!e || e.inFlight) return;
      e.base = clock.now();
      enqueue(e, e.base);
      arm();
      if (running && timer === null) pump();
    },
    setIntervalMs(ms) {
      if (!(ms > 0) || ms === interval) return;
      interval = ms;
      const now = clock.now();
      heap.clear();
      for (const e of entries.values()) {
        if (e.inFlight) continue;
        e.base = now + e.phase * interval;
        enqueue(e, e.base + Math.abs(jitter()));
      }
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
      arm();
    },
    intervalMs: () => interval,
    failures: (id) => entries.get(id)?.failures ?? 0,
    stats: () => ({
      known: entries.size,
      inFlight,
      queued: heap.size,
      ...stats,
      lagMs: heap.size === 0 ? 0 : Math.max(0, clock.now() - heap.peekDue()),
    }),
    start() {
      if (running) return;
      running = true;
      pump();
    },
    async stop() {
      running = false;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
      await Promise.allSettled([...settled]);
    },
  };
}
