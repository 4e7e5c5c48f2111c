/**
 * The fleet through the contract, as the app builds it: createCore with a fleet, a discovery scan
 * adopting the simulator's miners, then figures, history, export, alerts and settings; and a restart
 * that finds the miners and settings again in the database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/core/index.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import { createVnishClient, type VnishClient } from '../../../electron/core/vnish/index.js';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import { createClient, type HashwatchApi } from '../../../shared/contract.js';

let farm: Farm;
let client: VnishClient;
let dir: string;

const makeCore = () =>
  createCore({
    dataDir: dir,
    version: 'test',
    host: 'test',
    vnish: client,
    probes: {
      tfBackend: async () => ({ name: 'none', detail: 'test' }),
      keychain: async () => ({ available: false, backend: 'none', message: 'test' }),
    },
    dispatch: { validateOutput: true },
    fleet: { intervalMs: 500 },
  });

const until = async (what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  farm = await startFarm({ miners: 6, seed: 21, bind: 'ports', cgminer: false });
  const passwords = new Map(farm.miners.map((m) => [m.address, m.password]));
  client = createVnishClient({
    credentials: {
      passwordFor: async (t) => passwords.get(t.address) ?? null,
      tryFactoryPassword: () => false,
    },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-fleet-contract-'));
});

afterAll(async () => {
  await client?.close();
  await farm?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fleet through the contract', () => {
  let core: Core;
  let api: HashwatchApi;
  let viewer: HashwatchApi;
  const t0 = Date.now();

  it('adopts scanned miners, polls them, and answers fleet figures, history and export', async () => {
    core = await makeCore();
    api = createClient(createInProcessTransport(core.dispatch, core.bus));
    viewer = createClient(
      createInProcessTransport(core.dispatch, core.bus, { role: 'viewer', caller: 'test' }),
    );
    const scan = await api.call('discovery.scan', { targets: farm.miners.map((m) => m.address) });
    expect(scan.ok).toBe(true);
    await until('all miners live', async () => {
      const s = await api.call('fleet.summary', {});
      return s.ok && s.value.counts.online === 6;
    });
    expect(core.fleet!.registry.size()).toBe(6);
    // Raw telemetry keeps one row per miner per second: let a few seconds of polls land.
    await new Promise((r) => setTimeout(r, 3000));

    const summary = await viewer.call('fleet.summary', {});
    expect(summary.ok).toBe(true);
    if (!summary.ok) return;
    expect(summary.value.counts).toMatchObject({ total: 6, online: 6, offline: 0, stale: 0, never: 0 });
    expect(summary.value.hashrateThs).toBeGreaterThan(0);
    expect(summary.value.nominalThs).toBeGreaterThan(0);
    expect(summary.value.byModel.reduce((s, m) => s + m.count, 0)).toBe(6);

    const id = farm.miners[0]!.mac;
    const mh = await viewer.call('miners.history', { id, from: t0 - 1000, to: Date.now() + 1000 });
    expect(mh.ok).toBe(true);
    if (mh.ok) {
      expect(mh.value.resolution).toBe('raw');
      expect(mh.value.points.length).toBeGreaterThanOrEqual(2);
      expect(mh.value.points.every((p) => p.hashrateThs === null || p.hashrateThs > 0)).toBe(true);
    }
    const fh = await viewer.call('fleet.history', {
      from: new Date(t0 - 1000).toISOString(),
      to: new Date(Date.now() + 1000).toISOString(),
    });
    expect(fh.ok ? fh.value.points.length : fh.error).toBeGreaterThan(0);
    const unknown = await viewer.call('miners.history', { id: 'nope', from: t0, to: Date.now() });
    expect(!unknown.ok && unknown.error.code).toBe('NotFound');
    const backwards = await viewer.call('fleet.history', { from: Date.now(), to: t0 });
    expect(!backwards.ok && backwards.error.code).toBe('ValidationError');

    const csv = await viewer.call('fleet.exportCsv', { from: t0 - 1000, to: Date.now() + 1000, minerId: id });
    expect(csv.ok).toBe(true);
    if (csv.ok) {
      expect(csv.value.rows).toBeGreaterThanOrEqual(2);
      expect(csv.value.csv.split('\n')[0]).toMatch(/hashrate/i);
      expect(csv.value.truncated).toBe(false);
    }
    const alerts = await viewer.call('alerts.list', {});
    expect(alerts.ok && alerts.value.alerts).toEqual([]);
  });

  it('raises an alert through the contract events and lists it', async () => {
    const raised: string[] = [];
    const off = api.on('alerts.raised', (b) => raised.push(...b.alerts.map((a) => `${a.kind}:${a.minerId}`)));
    farm.injectFault(3, { type: 'net-reset', probability: 1 });
    const id = farm.miners[3]!.mac;
    await until('offline alert pushed', () => raised.includes(`offline:${id}`));
    off();
    const list = await api.call('alerts.list', {});
    expect(list.ok && list.value.alerts.map((a) => [a.kind, a.minerId])).toEqual([['offline', id]]);
    const hist = await api.call('alerts.history', { minerId: id });
    expect(hist.ok && hist.value.entries.map((e) => e.type)).toEqual(['raised']);
    farm.clearFaults(3);
  });

  it('changes settings for operators only, validates them, and keeps them across a restart', async () => {
    const denied = await viewer.call('fleet.settings.set', { pollIntervalS: 30 });
    expect(!denied.ok && denied.error.code).toBe('Forbidden');
    const bad = await api.call('fleet.settings.set', { pollIntervalS: 2 });
    expect(!bad.ok && bad.error.code).toBe('ValidationError');
    const set = await api.call('fleet.settings.set', { pollIntervalS: 30, alerts: { chipTempMaxC: 85 } });
    expect(set.ok && set.value).toMatchObject({
      pollIntervalS: 30,
      alerts: { chipTempMaxC: 85, boardTempMaxC: 80 },
    });
    expect(core.fleet!.monitor.intervalMs()).toBe(30_000);
    await core.close();

    core = await makeCore();
    api = createClient(createInProcessTransport(core.dispatch, core.bus));
    const got = await api.call('fleet.settings.get', {});
    expect(got.ok && got.value).toMatchObject({ pollIntervalS: 30, alerts: { chipTempMaxC: 85 } });
    // The miners are known from the database before any scan.
    expect(core.fleet!.registry.size()).toBe(6);
    const list = await api.call('miners.list', {});
    expect(list.ok && list.value.miners.map((m) => m.id).sort()).toEqual(
      farm.miners.map((m) => m.mac).sort(),
    );
    await core.close();
  });
});
