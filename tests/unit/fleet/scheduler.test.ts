import { describe, expect, it } from 'vitest';
import {
  createScheduler,
  type PollOutcome,
  type PollTarget,
} from '../../../electron/core/fleet/scheduler.js';
import { ManualClock, seeded } from './manual-clock.js';

const targets = (n: number): PollTarget[] =>
  Array.from({ length: n }, (_, i) => ({ id: `m${i}`, address: `127.0.0.1:${10000 + i}`, mac: null }));

describe('poll scheduler', () => {
  it('spreads a fleet evenly over the interval instead of polling it in one burst', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const starts: Array<{ id: string; at: number }> = [];
    const s = createScheduler<number>({
      clock,
      timers: clock,
      random: seeded(1),
      intervalMs: 10_000,
      poll: async (t) => {
        starts.push({ id: t.id, at: clock.now() });
        return 1;
      },
      onOutcome: () => {},
    });
    for (const t of targets(200)) s.add(t);
    s.start();
    await clock.advance(60_000);
    await s.stop();

    // Every second of the minute sees about 200/10 = 20 polls, never a burst of the whole fleet.
    const perSecond = new Array(60).fill(0);
    for (const p of starts) perSecond[Math.floor((p.at - t0) / 1000)]++;
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(30);
    expect(Math.min(...perSecond.slice(1))).toBeGreaterThanOrEqual(10);

    // Each miner is polled once per interval: 6 times in a minute (5 or 6 by phase), evenly spaced.
    const byId = new Map<string, number[]>();
    for (const p of starts) byId.set(p.id, [...(byId.get(p.id) ?? []), p.at]);
    expect(byId.size).toBe(200);
    for (const times of byId.values()) {
      expect(times.length).toBeGreaterThanOrEqual(5);
      expect(times.length).toBeLessThanOrEqual(7);
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!;
        expect(gap).toBeGreaterThan(9_000);
        expect(gap).toBeLessThan(11_000);
      }
    }
  });

  it('spreads miners added one at a time as well (no clustering at the start of the interval)', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const firstPoll = new Map<string, number>();
    const s = createScheduler<number>({
      clock,
      timers: clock,
      random: seeded(2),
      intervalMs: 10_000,
      poll: async (t) => {
        if (!firstPoll.has(t.id)) firstPoll.set(t.id, clock.now() - t0);
        return 1;
      },
      onOutcome: () => {},
    });
    s.start();
    for (const t of targets(100)) s.add(t);
    await clock.advance(10_500);
    await s.stop();
    const perSecond = new Array(11).fill(0);
    for (const at of firstPoll.values()) perSecond[Math.floor(at / 1000)]++;
    expect(firstPoll.size).toBe(100);
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(15);
  });

  it('never has more than maxConcurrent polls in flight, nor two polls of one miner', async () => {
    const clock = new ManualClock();
    let inFlight = 0;
    let peak = 0;
    const busy = new Set<string>();
    let overlap = false;
    const s = createScheduler<number>({
      clock,
      timers: clock,
      random: seeded(3),
      intervalMs: 5_000,
      maxConcurrent: 4,
      poll: (t) => {
        if (busy.has(t.id)) overlap = true;
        busy.add(t.id);
        inFlight++;
        peak = Math.max(peak, inFlight);
        // Each poll takes 3 s of (manual) time.
        return new Promise((resolve) =>
          clock.setTimeout(() => {
            inFlight--;
            busy.delete(t.id);
            resolve(1);
          }, 3_000),
        );
      },
      onOutcome: () => {},
    });
    for (const t of targets(20)) s.add(t);
    s.start();
    await clock.advance(30_000);
    expect(peak).toBe(4);
    expect(overlap).toBe(false);
    expect(s.stats().started).toBeGreaterThan(30);
    const stopped = s.stop();
    await clock.advance(5_000);
    await stopped;
  });

  it('backs off an unreachable miner exponentially up to the cap, and resumes the pace after it answers', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const attempts: number[] = [];
    let up = false;
    const outcomes: Array<PollOutcome<number>> = [];
    const s = createScheduler<number>({
      clock,
      timers: clock,
      random: () => 0.5, // no jitter
      intervalMs: 10_000,
      backoffCapMs: 80_000,
      poll: async () => {
        attempts.push(clock.now() - t0);
        if (!up) throw new Error('unreachable');
        return 1;
      },
      onOutcome: (o) => outcomes.push(o),
    });
    s.add(targets(1)[0]!);
    s.start();
    await clock.advance(400_000);
    const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
    // Two retries at the normal pace, then doubling, capped at 80 s.
    expect(gaps.slice(0, 6)).toEqual([10_000, 10_000, 20_000, 40_000, 80_000, 80_000]);
    expect(outcomes.map((o) => o.failures).slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(s.failures('m0')).toBe(outcomes.length);

    up = true;
    const before = attempts.length;
    await clock.advance(120_000);
    const after = attempts.slice(before);
    // Within one cap it answers again; from then on the normal interval.
    expect(after.length).toBeGreaterThanOrEqual(5);
    expect(after[after.length - 1]! - after[after.length - 2]!).toBe(10_000);
    expect(s.failures('m0')).toBe(0);
    await s.stop();
  });

  it('applies a new interval at once and stops polling removed miners', async () => {
    const clock = new ManualClock();
    const counts = new Map<string, number>();
    const s = createScheduler<number>({
      clock,
      timers: clock,
      random: seeded(4),
      intervalMs: 10_000,
      poll: async (t) => {
        counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
        return 1;
      },
      onOutcome: () => {},
    });
    for (const t of targets(10)) s.add(t);
    s.start();
    await clock.advance(10_000);
    s.remove('m0');
    s.setIntervalMs(60_000);
    counts.clear();
    await clock.advance(120_000);
    expect(counts.has('m0')).toBe(false);
    for (let i = 1; i < 10; i++) expect(counts.get(`m${i}`)).toBe(2);
    await s.stop();
  });

  /** `n` miners on a 10 s interval, all overdue: the loop was busy (or the app asleep) for an interval. */
  const overdue = async (n: number, seed: number) => {
    const clock = new ManualClock();
    const starts: Array<{ id: string; at: number }> = [];
    const s = createScheduler<number>({
      clock,
      timers: clock,
      random: seeded(seed),
      intervalMs: 10_000,
      poll: async (t) => {
        starts.push({ id: t.id, at: clock.now() });
        return 1;
      },
      onOutcome: () => {},
    });
    for (const t of targets(n)) s.add(t);
    await clock.advance(10_000);
    return { clock, starts, s };
  };

  it('drains a backlog as a paced flow, not in one turn, and reports how late it is', async () => {
    const { clock, starts, s } = await overdue(2000, 3);
    expect(s.stats().lagMs).toBeGreaterThan(9_000);
    const t0 = clock.now();
    s.start();
    await clock.advance(1);
    // One burst, then at most 1.5x the schedule's rate (2,000 miners / 10 s = 200/s, so 300/s).
    expect(starts.length).toBeLessThanOrEqual(64 + 1);
    await clock.advance(999);
    expect(starts.length).toBeGreaterThan(250);
    expect(starts.length).toBeLessThanOrEqual(64 + 300 + 1);
    for (let ms = 0; ms < 1000; ms += 100) {
      const inSlice = starts.filter(({ at }) => at - t0 >= ms && at - t0 < ms + 100).length;
      expect(inSlice).toBeLessThanOrEqual(64 + 31);
    }
    // The backlog is gone within a few seconds and the schedule is kept again.
    await clock.advance(9_000);
    expect(new Set(starts.map(({ id }) => id)).size).toBe(2000);
    await clock.advance(10_000);
    expect(s.stats().lagMs).toBeLessThan(100);
    await s.stop();
  });

  it('never holds back a small farm', async () => {
    const { clock, starts, s } = await overdue(40, 4);
    s.start();
    await clock.advance(1);
    // All 40 overdue miners at once: the pacing only ever shapes a backlog larger than one burst.
    expect(new Set(starts.map(({ id }) => id)).size).toBe(40);
    await s.stop();
  });
});
