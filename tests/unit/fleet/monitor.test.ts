import { describe, expect, it } from 'vitest';
import { createAlertEngine } from '../../../electron/core/fleet/alerts.js';
import { createInventory } from '../../../electron/core/fleet/inventory.js';
import {
  createFleetMonitor,
  type CyclePollResult,
  type MinerPoller,
} from '../../../electron/core/fleet/monitor.js';
import { createRegistry } from '../../../electron/core/fleet/registry.js';
import { createEventBus } from '../../../electron/core/service/events.js';
import { HashwatchError } from '../../../shared/errors.js';
import type { Alert } from '../../../shared/api/alerts.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import { ManualClock, seeded } from './manual-clock.js';
import { makeSnapshot } from './fixtures.js';

type Behaviour = 'up' | 'down' | 'hang';

const setup = (n: number, intervalMs = 10_000) => {
  const clock = new ManualClock();
  const bus = createEventBus();
  const inventory = createInventory({ bus, clock });
  const registry = createRegistry();
  const behaviour = new Map<string, Behaviour>();
  const overrides = new Map<string, Partial<MinerSnapshot>>();
  const polls: string[] = [];
  const poller: MinerPoller = {
    poll: (t) => {
      polls.push(t.address);
      const b = behaviour.get(t.address) ?? 'up';
      if (b === 'hang') return new Promise(() => {});
      if (b === 'down')
        return Promise.reject(new HashwatchError('Unreachable', `${t.address} does not answer`));
      return Promise.resolve(
        makeSnapshot({
          address: t.address,
          mac: t.mac,
          polledAt: new Date(clock.now()).toISOString(),
          ...overrides.get(t.address),
        }),
      );
    },
    invalidate: () => {},
    forget: () => {},
  };
  const cycles: CyclePollResult[][] = [];
  const raised: Alert[][] = [];
  const cleared: Alert[][] = [];
  bus.on('alerts.raised', (b) => raised.push(b.alerts));
  bus.on('alerts.cleared', (b) => cleared.push(b.alerts));
  const monitor = createFleetMonitor({
    clock,
    timers: clock,
    random: seeded(9),
    bus,
    inventory,
    registry,
    poller,
    alerts: createAlertEngine({ clock }),
    sink: { writeCycle: (r) => void cycles.push(r) },
    intervalMs,
    // One-second cycles keep the arithmetic below readable (the default is a quarter second).
    flushMs: 1000,
  });
  const mac = (i: number) =>
    `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  monitor.adopt(Array.from({ length: n }, (_, i) => ({ address: `127.0.0.${i + 2}`, mac: mac(i) })));
  return { clock, bus, inventory, monitor, behaviour, overrides, polls, cycles, raised, cleared, mac };
};

describe('fleet monitor', () => {
  it('writes each cycle in one batch and shows polled miners as live', async () => {
    const { clock, inventory, monitor, cycles } = setup(50);
    expect(inventory.list().every((r) => r.freshness === 'never')).toBe(true);
    monitor.start();
    await clock.advance(20_000);
    // 50 miners x 2 intervals = 100 results, in about 20 one-second cycles, never one write per miner.
    const total = cycles.reduce((s, c) => s + c.length, 0);
    expect(total).toBeGreaterThanOrEqual(95);
    expect(total).toBeLessThanOrEqual(105);
    expect(cycles.length).toBeLessThanOrEqual(21);
    expect(Math.max(...cycles.map((c) => c.length))).toBeGreaterThan(1);
    expect(inventory.list().every((r) => r.freshness === 'live' && r.snapshot !== null)).toBe(true);
    expect(monitor.summary().counts).toMatchObject({ total: 50, online: 50, offline: 0 });
    expect(monitor.summary().hashrateThs).toBeCloseTo(5000);
    await monitor.stop();
  });

  it('marks a miner offline after exactly three failed polls, raises one alert, and recovers', async () => {
    const { clock, inventory, monitor, behaviour, mac, raised, cleared, cycles } = setup(3);
    monitor.start();
    await clock.advance(15_000);
    const id = mac(1);
    behaviour.set('127.0.0.3', 'down');
    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      await clock.advance(1_000);
      const f = inventory.get(id)!.freshness;
      if (seen[seen.length - 1] !== f) seen.push(f);
    }
    // live -> (stale after two intervals without an answer) -> offline at the third failure.
    expect(seen).toEqual(['live', 'stale', 'offline']);
    const r = inventory.get(id)!;
    expect(r.lastError).toEqual({ code: 'Unreachable', message: '127.0.0.3 does not answer' });
    // The last snapshot is kept for reference but the record says offline.
    expect(r.snapshot).not.toBeNull();
    expect(monitor.summary().counts).toMatchObject({ online: 2, offline: 1 });
    expect(raised.flat().map((a) => [a.kind, a.minerId])).toEqual([['offline', id]]);
    const errors = cycles.flat().filter((c) => c.error);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every((e) => e.snapshot === null && e.id === id)).toBe(true);

    behaviour.set('127.0.0.3', 'up');
    await clock.advance(130_000); // within one capped back-off
    expect(inventory.get(id)!.freshness).toBe('live');
    expect(inventory.get(id)!.lastError).toBeNull();
    expect(cleared.flat().map((a) => a.kind)).toEqual(['offline']);
    await monitor.stop();
  });

  it('shows data older than two intervals as stale, never as live, even while polls hang', async () => {
    const { clock, inventory, monitor, behaviour, mac } = setup(2, 10_000);
    monitor.start();
    await clock.advance(12_000);
    expect(inventory.get(mac(0))!.freshness).toBe('live');
    behaviour.set('127.0.0.2', 'hang');
    const lastSeen = Date.parse(inventory.get(mac(0))!.lastSeenAt!);
    let staleAt: number | null = null;
    for (let i = 0; i < 40 && staleAt === null; i++) {
      await clock.advance(500);
      if (inventory.get(mac(0))!.freshness !== 'live') staleAt = clock.now();
    }
    expect(inventory.get(mac(0))!.freshness).toBe('stale');
    // Within a cycle (1 s) after the two-interval limit, not before it.
    expect(staleAt! - lastSeen).toBeGreaterThan(20_000);
    expect(staleAt! - lastSeen).toBeLessThanOrEqual(21_500);
    expect(inventory.get(mac(1))!.freshness).toBe('live');
    expect(monitor.summary().counts).toMatchObject({ online: 1, stale: 1 });
    expect(monitor.summary().hashrateThs).toBeCloseTo(100);
  });

  it('emits fleet.tick with only the miners that changed, at most twice a second', async () => {
    const { clock, bus, inventory, monitor } = setup(20);
    const ticks: Array<{ at: number; n: number }> = [];
    bus.on('fleet.tick', (t) => ticks.push({ at: clock.now(), n: t.changed.length }));
    monitor.start();
    for (let i = 0; i < 20; i++) {
      await clock.advance(1_000);
      inventory.flush();
    }
    expect(ticks.length).toBeLessThanOrEqual(21);
    const total = ticks.reduce((s, t) => s + t.n, 0);
    // 20 miners polled twice in 20 s (plus the adoption tick): changed records only, not the fleet per tick.
    expect(total).toBeLessThanOrEqual(20 * 3);
    expect(Math.max(...ticks.slice(1).map((t) => t.n))).toBeLessThan(20);
    await monitor.stop();
  });

  it('raises alerts from injected faults once, batched per cycle', async () => {
    const { clock, monitor, overrides, raised } = setup(10);
    monitor.start();
    await clock.advance(10_000);
    for (let i = 0; i < 10; i++) overrides.set(`127.0.0.${i + 2}`, { chipTempMaxC: 99 });
    await clock.advance(30_000);
    const all = raised.flat();
    expect(all.filter((a) => a.kind === 'chip-temp')).toHaveLength(10);
    // Pushed in a few batches (one per cycle), not ten events.
    expect(raised.length).toBeLessThan(10);
    expect(monitor.activeAlerts()).toHaveLength(10);
    await monitor.stop();
  });

  it('moves a miner whose MAC answers at a new address and flags an address that now answers as someone else', async () => {
    const { clock, inventory, monitor, mac, polls, overrides } = setup(2);
    monitor.start();
    await clock.advance(10_000);
    const c = monitor.adopt([{ address: '127.0.0.77', mac: mac(0) }]);
    expect(c.moved).toHaveLength(1);
    expect(inventory.size()).toBe(2);
    polls.length = 0;
    await clock.advance(10_000);
    expect(polls).toContain('127.0.0.77');
    expect(polls).not.toContain('127.0.0.2');
    expect(inventory.get(mac(0))!.address).toBe('127.0.0.77');
    expect(inventory.get(mac(0))!.freshness).toBe('live');

    // DHCP gave 127.0.0.3 to another miner: its data must not be shown as mac(1)'s.
    const before = inventory.get(mac(1))!.snapshot;
    overrides.set('127.0.0.3', { mac: mac(99), hashrateThs: 1 });
    await clock.advance(10_000);
    expect(inventory.get(mac(1))!.lastError?.code).toBe('Conflict');
    expect(inventory.get(mac(1))!.snapshot).toEqual(before);
    await clock.advance(20_000);
    expect(inventory.get(mac(1))!.freshness).toBe('stale');
    await monitor.stop();
  });
});
