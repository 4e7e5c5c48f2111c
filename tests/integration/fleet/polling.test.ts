/**
 * The fleet against the simulator: real vnish client, real SQLite store, real timers, loopback only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from '../../../electron/core/fleet/fleet.js';
import { createInventory, type Inventory } from '../../../electron/core/fleet/inventory.js';
import { createEventBus, type EventBus } from '../../../electron/core/service/events.js';
import { openStore } from '../../../electron/core/store/index.js';
import type { Store } from '../../../electron/core/store/types.js';
import {
  createVnishClient,
  normaliseSnapshot,
  type VnishClient,
} from '../../../electron/core/vnish/index.js';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import type { Alert } from '../../../shared/api/alerts.js';

interface Rig {
  farm: Farm;
  store: Store;
  client: VnishClient;
  bus: EventBus;
  inventory: Inventory;
  fleet: Fleet;
  raised: Alert[];
  cleared: Alert[];
  dir: string;
}

const rigs: Rig[] = [];
const extraFarms: Farm[] = [];

const systemClock = { now: () => Date.now() };

async function rig(n: number, opts: { seed?: number; intervalMs?: number } = {}): Promise<Rig> {
  const farm = await startFarm({
    miners: n,
    seed: opts.seed ?? 5,
    bind: 'ports',
    cgminer: false,
    scenario: { timing: { rebootDownS: 2, initS: 1, restartS: 1, startS: 1 } },
  });
  const passwords = new Map(farm.miners.map((m) => [m.address, m.password]));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-fleet-'));
  const store = openStore({ path: path.join(dir, 'fleet.db'), clock: systemClock });
  const client = createVnishClient({
    credentials: {
      passwordFor: async (t) => passwords.get(t.address) ?? null,
      tryFactoryPassword: () => false,
    },
    requestTimeoutMs: 1500,
    connectTimeoutMs: 500,
  });
  const bus = createEventBus();
  const inventory = createInventory({ bus, clock: systemClock });
  const fleet = createFleet({
    clock: systemClock,
    bus,
    inventory,
    store,
    client,
    normalise: normaliseSnapshot,
    intervalMs: opts.intervalMs ?? 400,
    flushMs: 200,
    maintainEveryMs: 500,
    onError: (where, e) => {
      throw new Error(`fleet error in ${where}: ${String(e)}`);
    },
  });
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  bus.on('alerts.raised', (b) => raised.push(...b.alerts));
  bus.on('alerts.cleared', (b) => cleared.push(...b.alerts));
  const r = { farm, store, client, bus, inventory, fleet, raised, cleared, dir };
  rigs.push(r);
  return r;
}

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.fleet.stop();
    await r.client.close();
    r.store.close();
    await r.farm.close();
    fs.rmSync(r.dir, { recursive: true, force: true });
  }
  for (const f of extraFarms.splice(0)) await f.close();
});

const adoptAll = (r: Rig, farm: Farm = r.farm) =>
  r.fleet.monitor.adopt(farm.miners.map((m) => ({ address: m.address, mac: m.mac })));

describe('fleet polling against the simulator', () => {
  it('polls every miner, shows them live with figures, and writes the cycles to the database', async () => {
    const r = await rig(12);
    adoptAll(r);
    const t0 = Date.now();
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    await new Promise((res) => setTimeout(res, 1200));
    const rec = r.inventory.get(r.farm.miners[0]!.mac)!;
    expect(rec.snapshot!.hashrateThs).toBeGreaterThan(10);
    expect(rec.snapshot!.mac).toBe(r.farm.miners[0]!.mac);
    expect(rec.snapshot!.preset.configured).not.toBeNull(); // settings read with the miner's password
    expect(rec.lastError).toBeNull();

    const summary = r.fleet.monitor.summary();
    expect(summary.counts).toMatchObject({ total: 12, online: 12, offline: 0 });
    const sum = r.inventory.list().reduce((s, m) => s + (m.snapshot?.hashrateThs ?? 0), 0);
    expect(summary.hashrateThs).toBeCloseTo(sum, 6);
    expect(summary.efficiencyJth).toBeGreaterThan(10);

    // Several polls per miner reached SQLite, in batches (cycles), and read back as history.
    const stats = r.fleet.monitor.stats();
    expect(stats.results).toBeGreaterThan(24);
    expect(stats.cycles).toBeLessThan(stats.results / 2);
    const h = r.fleet.api.history({
      minerId: rec.id,
      from: t0 - 1000,
      to: Date.now() + 1000,
      resolution: 'raw',
    });
    expect(h.points.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...h.points.map((p) => p.hashrateThs ?? 0))).toBeGreaterThan(10);
    const stored = r.store.listMiners();
    expect(stored.map((m) => m.id).sort()).toEqual(r.farm.miners.map((m) => m.mac).sort());
    const csv = r.fleet.api.exportCsv({ from: t0 - 1000, to: Date.now() + 1000, minerId: rec.id });
    expect(csv.rows).toBeGreaterThanOrEqual(2);
    expect(csv.truncated).toBe(false);
  });

  it('marks a miner offline after three failed polls, raises and clears the alert when it comes back', async () => {
    const r = await rig(4);
    adoptAll(r);
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    const victim = r.farm.miners[2]!;
    r.farm.injectFault(2, { type: 'net-reset', probability: 1 });
    await until('victim offline', () => r.inventory.get(victim.mac)!.freshness === 'offline');
    const rec = r.inventory.get(victim.mac)!;
    expect(['Unreachable', 'Timeout', 'BadResponse']).toContain(rec.lastError?.code);
    expect(r.fleet.monitor.summary().counts).toMatchObject({ online: 3, offline: 1 });
    await until('offline alert', () =>
      r.raised.some((a) => a.kind === 'offline' && a.minerId === victim.mac),
    );
    expect(r.fleet.alertsApi.active().map((a) => [a.kind, a.minerId])).toContainEqual([
      'offline',
      victim.mac,
    ]);
    // The other miners are unaffected.
    expect(r.raised.filter((a) => a.minerId !== victim.mac)).toEqual([]);

    r.farm.clearFaults(2);
    await until('victim live again', () => r.inventory.get(victim.mac)!.freshness === 'live', 30_000);
    await until('offline alert cleared', () => r.cleared.some((a) => a.kind === 'offline'));
    const hist = r.fleet.alertsApi.history({ limit: 10, minerId: victim.mac });
    expect(hist.map((e) => e.type)).toEqual(['cleared', 'raised']);
  });

  it('survives a reboot in the middle of polling: back to live, slow data re-read, uptime reset', async () => {
    const r = await rig(3);
    adoptAll(r);
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    const mac = r.farm.miners[1]!.mac;
    await new Promise((res) => setTimeout(res, 1500));
    const uptimeBefore = r.inventory.get(mac)!.snapshot!.uptimeS!;
    r.farm.reboot(1);
    await until('rebooting miner not live', () => r.inventory.get(mac)!.lastError !== null);
    await until(
      'mining again with a fresh uptime',
      () => {
        const s = r.inventory.get(mac)!;
        return (
          s.freshness === 'live' && s.snapshot!.state === 'mining' && s.snapshot!.uptimeS! < uptimeBefore
        );
      },
      30_000,
    );
    const s = r.inventory.get(mac)!;
    expect(s.lastError).toBeNull();
    expect(s.snapshot!.preset.configured).not.toBeNull(); // tokens died with the reboot: re-unlocked
  });

  it('re-reads settings after the token expired (unlocks again, no auth error shown)', async () => {
    const r = await rig(2);
    adoptAll(r);
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    const m = r.farm.miners[0]!;
    r.farm.injectFault(0, { type: 'token-expiry', ttlS: 0 });
    r.fleet.monitor.invalidate(m.mac);
    const before = r.fleet.poller.warning?.(m.mac) ?? null;
    expect(before).toBeNull();
    const polledAt = r.inventory.get(m.mac)!.snapshot!.polledAt;
    await until('polled again', () => r.inventory.get(m.mac)!.snapshot!.polledAt > polledAt);
    await new Promise((res) => setTimeout(res, 1000));
    const rec = r.inventory.get(m.mac)!;
    expect(rec.freshness).toBe('live');
    expect(rec.lastError).toBeNull();
    expect(rec.snapshot!.preset.configured).not.toBeNull();
  });

  it('shows a wrong password as a warning on a live miner, not as offline', async () => {
    const r = await rig(2);
    r.farm.setPassword(1, 'changed-on-the-miner');
    adoptAll(r);
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    await new Promise((res) => setTimeout(res, 500));
    const rec = r.inventory.get(r.farm.miners[1]!.mac)!;
    expect(rec.freshness).toBe('live');
    expect(rec.lastError?.code).toBe('AuthFailed');
    expect(rec.snapshot!.hashrateThs).toBeGreaterThan(0);
  });

  it('moves a miner that comes back at another address (same MAC) instead of adding it twice', async () => {
    const r = await rig(3, { seed: 11 });
    adoptAll(r);
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    const t0 = Date.now();
    // The same miners (same seed: same MACs) re-appear on other ports, as after a DHCP renumbering.
    const moved = await startFarm({ miners: 3, seed: 11, bind: 'ports', cgminer: false });
    extraFarms.push(moved);
    await r.farm.close();
    expect(moved.miners.map((m) => m.mac)).toEqual(r.farm.miners.map((m) => m.mac));
    const c = adoptAll(r, moved);
    expect(c.added).toEqual([]);
    expect(c.moved).toHaveLength(3);
    expect(r.inventory.size()).toBe(3);
    await until('live at the new addresses', () =>
      moved.miners.every((m) => {
        const rec = r.inventory.get(m.mac)!;
        return rec.address === m.address && rec.freshness === 'live' && rec.snapshot!.address === m.address;
      }),
    );
    await new Promise((res) => setTimeout(res, 1500));
    const stored = r.store.listMiners().find((s) => s.id === moved.miners[0]!.mac)!;
    expect(stored.address).toBe(moved.miners[0]!.address);
    expect(stored.addressHistory.map((a) => a.address)).toEqual([
      r.farm.miners[0]!.address,
      moved.miners[0]!.address,
    ]);
    expect(
      r.fleet.api.history({ minerId: stored.id, from: t0 - 60_000, to: Date.now() + 1000, resolution: 'raw' })
        .points.length,
    ).toBeGreaterThanOrEqual(2);
    // r.farm is closed already; make afterEach close the new farm instead.
    r.farm = moved;
    extraFarms.pop();
  });

  it('raises alerts on injected faults (fan, hash board, pool) and nothing on healthy miners', async () => {
    const r = await rig(5);
    adoptAll(r);
    r.fleet.start();
    await until('all live', () => r.inventory.list().every((m) => m.freshness === 'live'));
    r.farm.injectFault(0, { type: 'fan', fan: 1, mode: 'dead' });
    r.farm.injectFault(1, { type: 'chain', chain: 2 });
    r.farm.injectFault(2, { type: 'pool', mode: 'offline' });
    const kindOf = (i: number) =>
      r.raised.filter((a) => a.minerId === r.farm.miners[i]!.mac).map((a) => a.kind);
    await until('fan alert', () => kindOf(0).includes('fan-lost'));
    await until('chain alert', () => kindOf(1).includes('chain-failure'));
    await until('pool alert', () => kindOf(2).includes('pool-down'));
    expect(kindOf(3)).toEqual([]);
    expect(kindOf(4)).toEqual([]);
    // Raised once each, however many polls it lasts.
    await new Promise((res) => setTimeout(res, 1500));
    expect(kindOf(0).filter((k) => k === 'fan-lost')).toHaveLength(1);
    const events = r.store.listEvents({ kinds: ['alert.raised'] });
    expect(events.map((e) => e.minerId)).toEqual(
      expect.arrayContaining(r.farm.miners.slice(0, 3).map((m) => m.mac)),
    );

    r.farm.clearFaults(0);
    await until('fan alert cleared', () => r.cleared.some((a) => a.kind === 'fan-lost'));
  });
});
