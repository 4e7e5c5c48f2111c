import { describe, expect, it } from 'vitest';
import { createNotifyPolicy, type Notice } from '../../../electron/core/fleet/notify-policy.js';
import type { Alert, AlertKind } from '../../../shared/api/alerts.js';
import { ManualClock } from './manual-clock.js';

let n = 0;
const alert = (kind: AlertKind, i: number, severity: Alert['severity'] = 'critical'): Alert => {
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  return {
    id: `m${i}|${kind}|${++n}`,
    minerId: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
    address: `10.0.0.${i}`,
    kind,
    severity,
    message: `10.0.0.${i}: ${kind}`,
    value: null,
    threshold: null,
    raisedAt: at,
    updatedAt: at,
    clearedAt: null,
  };
};

/** Drives the policy like the shell does: offer, then wake up at nextDueAt. */
const run = async (clock: ManualClock, policy: ReturnType<typeof createNotifyPolicy>, untilMs: number) => {
  const shown: Notice[] = [];
  const end = clock.now() + untilMs;
  for (;;) {
    const at = policy.nextDueAt();
    if (at === null || at > end) break;
    await clock.advance(Math.max(0, at - clock.now()));
    shown.push(...policy.due());
  }
  await clock.advance(Math.max(0, end - clock.now()));
  return shown;
};

describe('notification policy', () => {
  it('turns a breaker trip of 50 miners into one grouped notification', async () => {
    const clock = new ManualClock();
    const policy = createNotifyPolicy({ clock });
    const batch = Array.from({ length: 50 }, (_, i) => alert('offline', i + 1));
    const shown = [...policy.offer(batch), ...(await run(clock, policy, 60_000))];
    expect(shown).toHaveLength(1);
    expect(shown[0]!.grouped).toBe(true);
    expect(shown[0]!.title).toBe('50 miners: offline');
    expect(shown[0]!.body).toMatch(/^10\.0\.0\.1, 10\.0\.0\.2, .* and 45 more$/);
    expect(shown[0]!.alertIds).toHaveLength(50);
  });

  it('groups a trip whose alerts arrive over several cycles and rate-limits the rest into one follow-up', async () => {
    const clock = new ManualClock();
    const policy = createNotifyPolicy({ clock, minGapMs: 15_000, groupWindowMs: 2_000 });
    const shown: Notice[] = [];
    // 10 cycles of 5 offline miners, one per second (miners are polled at their own phase).
    for (let c = 0; c < 10; c++) {
      shown.push(...policy.offer(Array.from({ length: 5 }, (_, i) => alert('offline', c * 5 + i + 1))));
      shown.push(...(await run(clock, policy, 1_000)));
    }
    shown.push(...(await run(clock, policy, 30_000)));
    expect(shown.length).toBe(2);
    expect(shown[0]!.title).toBe('10 miners: offline');
    expect(shown[1]!.title).toBe('40 miners: offline');
    expect(shown.flatMap((s) => s.alertIds)).toHaveLength(50);
  });

  it('shows a few alerts one by one, and mixes of kinds as a count per kind', async () => {
    const clock = new ManualClock();
    const policy = createNotifyPolicy({ clock });
    policy.offer([alert('chip-temp', 1), alert('fan-lost', 2)]);
    const few = await run(clock, policy, 5_000);
    expect(few.map((s) => s.grouped)).toEqual([false, false]);
    expect(few[0]!.title).toBe('chip temperature high');
    expect(few[0]!.body).toBe('10.0.0.1: chip-temp');

    await clock.advance(60_000);
    policy.offer([
      ...Array.from({ length: 6 }, (_, i) => alert('offline', i + 10)),
      alert('chain-failure', 30),
      alert('chain-failure', 31),
    ]);
    const mixed = await run(clock, policy, 5_000);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]!.title).toBe('8 alerts on 8 miners');
    expect(mixed[0]!.body).toBe('6 offline, 2 hash board failure');
  });

  it('drops an alert that cleared before its notification was due', async () => {
    const clock = new ManualClock();
    const policy = createNotifyPolicy({ clock, groupWindowMs: 2_000 });
    const a = alert('offline', 1);
    policy.offer([a]);
    await clock.advance(500);
    expect(policy.offer([], [{ ...a, clearedAt: new Date(clock.now()).toISOString() }])).toEqual([]);
    expect(await run(clock, policy, 10_000)).toEqual([]);
    expect(policy.nextDueAt()).toBeNull();
  });

  it('honours the minimum severity', async () => {
    const clock = new ManualClock();
    const policy = createNotifyPolicy({ clock, minSeverity: 'critical' });
    policy.offer([alert('hashrate-low', 1, 'warning')]);
    expect(await run(clock, policy, 10_000)).toEqual([]);
  });
});
