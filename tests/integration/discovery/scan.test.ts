/**
 * Discovery against the simulator (every firmware generation) and against fakes of other firmwares,
 * through the core's scan, the contract, and the `scan` / `status` commands run in-process.
 * All traffic stays on 127.0.0.0/8.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { MinerSnapshotSchema } from '../../../shared/miner.js';
import { FoundMinerSchema } from '../../../shared/api/discovery.js';
import { createClient } from '../../../shared/contract.js';
import { createCore, type Core } from '../../../electron/core/index.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import { runScan } from '../../../electron/core/discovery/scan.js';
import { parseTargets } from '../../../electron/core/discovery/targets.js';
import { createVnishClient, type VnishClient } from '../../../electron/core/vnish/index.js';
import { factoryOnlyProvider } from '../../../electron/core/credentials/provider.js';
import { scanCommand } from '../../../electron/cli/commands/scan.js';
import { statusCommand } from '../../../electron/cli/commands/status.js';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import { startAllFakes, type FakeKind, type RunningFake } from './fakes.js';

const OTHER_KINDS: FakeKind[] = ['antminer', 'braiins', 'luxos', 'whatsminer', 'bitaxe', 'router'];

let farm: Farm;
let fakes: RunningFake[];
let fakePrefix: string;
let client: VnishClient;

function capture(stdinText?: string) {
  let out = '';
  let err = '';
  const stdin = new PassThrough();
  if (stdinText !== undefined) stdin.end(stdinText);
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s), isTTY: false },
      stdin,
    },
    out: () => out,
    err: () => err,
  };
}

beforeAll(async () => {
  farm = await startFarm({
    seed: 7,
    bind: 'ports',
    speed: 0,
    scenario: {
      groups: [
        { count: 2, model: 's19jpro', firmware: '1.2.0' },
        { count: 2, model: 'S19 XP', firmware: '1.2.7' },
        { count: 2, model: 'S21', firmware: '1.3.4' },
        { count: 1, model: 'S21', firmware: '1.2.6', brand: '7Miners' },
        { count: 1, model: 's19jpro', firmware: '1.2.7', password: 'not-admin' },
      ],
    },
  });
  ({ prefix: fakePrefix, fakes } = await startAllFakes(OTHER_KINDS));
  client = createVnishClient({ credentials: factoryOnlyProvider(true) });
});

afterAll(async () => {
  await client?.close();
  await Promise.all((fakes ?? []).map((f) => f.close()));
  await farm?.close();
});

const fakeBlock = () => `${fakePrefix}.8-15`;
const simTargets = () => farm.miners.map((m) => m.address);

describe('discovery against the simulator and other firmwares', () => {
  it('finds every simulated vnish miner with its MAC and a valid snapshot, and no other miner as vnish', async () => {
    const out = await runScan({ client }, { targets: parseTargets([...simTargets(), fakeBlock()]) });
    for (const m of out.miners) FoundMinerSchema.parse(m);
    const vnish = out.miners.filter((m) => m.managed);
    expect(vnish.map((m) => m.address).sort()).toEqual(simTargets().sort());
    for (const sim of farm.miners) {
      const found = vnish.find((m) => m.address === sim.address)!;
      expect(found.mac, sim.address).toBe(sim.mac);
      expect(found.managed && found.snapshot, sim.address).not.toBeNull();
      if (found.managed && found.snapshot) {
        MinerSnapshotSchema.parse(found.snapshot);
        expect(found.snapshot.firmware.version).toBe(sim.firmware);
      }
    }
    const others = out.miners.filter((m) => !m.managed);
    expect(others.map((m) => m.kind).sort()).toEqual([
      'antminer',
      'bitaxe',
      'braiins',
      'luxos',
      'whatsminer',
    ]);
    // The switch's web page answered but is not a miner.
    expect(out.unrecognised).toEqual([`${fakePrefix}.15`]);
    expect(out.summary).toMatchObject({ vnish: farm.miners.length, other: 5, cancelled: false });
  });

  it('scan --json prints MinerSnapshots for vnish miners and managed:false entries for the others', async () => {
    const c = capture();
    const code = await scanCommand([simTargets().join(','), fakeBlock(), '--json'], c.io);
    expect(code).toBe(0);
    const list = JSON.parse(c.out()) as Array<Record<string, unknown>>;
    const snapshots = list.filter((e) => e.managed !== false);
    expect(snapshots).toHaveLength(farm.miners.length);
    for (const s of snapshots) MinerSnapshotSchema.strict().parse(s);
    const others = z
      .array(
        z.object({
          managed: z.literal(false),
          address: z.string(),
          kind: z.string(),
          detail: z.string(),
          mac: z.string().nullable(),
          model: z.string().nullable(),
        }),
      )
      .parse(list.filter((e) => e.managed === false));
    expect(Object.fromEntries(others.map((o) => [o.address, o.kind]))).toEqual({
      [`${fakePrefix}.10`]: 'antminer',
      [`${fakePrefix}.11`]: 'braiins',
      [`${fakePrefix}.12`]: 'luxos',
      [`${fakePrefix}.13`]: 'whatsminer',
      [`${fakePrefix}.14`]: 'bitaxe',
    });
    expect(c.err()).toMatch(/8 vnish, 5 other/);
  });

  it('scan prints a table with the columns the technician reads', async () => {
    const c = capture();
    expect(await scanCommand([...simTargets().slice(0, 2), `${fakePrefix}.12`], c.io)).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines[0]).toMatch(/^ADDRESS\s+MAC\s+MODEL\s+FIRMWARE\s+STATE\s+TH\/S\s+W\s+J\/TH$/);
    expect(lines).toHaveLength(4);
    expect(c.out()).toContain(farm.miners[0]!.mac);
    expect(c.out()).toMatch(/LuxOS\s+not managed/);
  });

  it('status --json prints exactly one MinerSnapshot per miner', async () => {
    const c = capture();
    const code = await statusCommand([...simTargets(), '--json', '--factory-password'], c.io);
    expect(code).toBe(0);
    const list = z.array(MinerSnapshotSchema.strict()).parse(JSON.parse(c.out()));
    expect(list.map((s) => s.address)).toEqual(simTargets());
    expect(list.map((s) => s.mac)).toEqual(farm.miners.map((m) => m.mac));
    for (const s of list) expect(s.hashrateThs === null || s.hashrateThs >= 0).toBe(true);
  });

  it('status exits 1 when a miner cannot be read, still printing the others (offline for unreachable)', async () => {
    const c = capture();
    // Port 1 on loopback refuses at once.
    const code = await statusCommand([simTargets()[0]!, '127.0.0.1:1', '--json'], c.io);
    expect(code).toBe(1);
    const list = z.array(MinerSnapshotSchema.strict()).parse(JSON.parse(c.out()));
    expect(list).toHaveLength(2);
    expect(list[0]!.state).not.toBe('offline');
    expect(list[1]).toMatchObject({ address: '127.0.0.1:1', state: 'offline', hashrateThs: null, mac: null });
    expect(c.err()).toMatch(/127\.0\.0\.1:1: (Unreachable|Timeout)/);
  });

  it('status --password-stdin reads the password from stdin', async () => {
    const locked = farm.miners.at(-1)!;
    const c = capture(`${locked.password}\n`);
    expect(await statusCommand([locked.address, '--json', '--password-stdin'], c.io)).toBe(0);
    const [snap] = z.array(MinerSnapshotSchema).parse(JSON.parse(c.out()));
    expect(snap?.mac).toBe(locked.mac);
  });

  it('exits 2 on bad arguments, naming the problem', async () => {
    const cases: string[][] = [
      [],
      ['10.0.0.0/8'],
      ['10.0.0.300'],
      ['127.0.0.1', '--concurrency', 'lots'],
      ['127.0.0.1', '--bogus'],
    ];
    for (const argv of cases) {
      const c = capture();
      expect(await scanCommand(argv, c.io), argv.join(' ')).toBe(2);
      expect(c.err()).toMatch(/hashwatch scan: /);
    }
    const tooMany = capture();
    await scanCommand(['10.0.0.0/8'], tooMany.io);
    expect(tooMany.err()).toMatch(/262,144/);
    const s = capture();
    expect(await statusCommand([], s.io)).toBe(2);
    expect(await statusCommand(['not a host!'], s.io)).toBe(2);
  });
});

describe('discovery through the contract', () => {
  let core: Core;
  beforeAll(async () => {
    core = await createCore({
      dataDir: '/tmp/hashwatch-discovery-test',
      version: 'test',
      host: 'test',
      vnish: client,
      probes: {
        tfBackend: async () => ({ name: 'none', detail: 'test' }),
        keychain: async () => ({ available: false, backend: 'none', message: 'test' }),
      },
      dispatch: { validateOutput: true },
    });
  });
  afterAll(async () => {
    await core?.close();
  });

  it('starts a scan, reports throttled progress ending in done, and puts vnish miners in the inventory', async () => {
    const api = createClient(createInProcessTransport(core.dispatch, core.bus));
    const progress: Array<{ probed: number; total: number; done: boolean }> = [];
    let resolveDone: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    api.on('discovery.progress', (p) => {
      progress.push(p);
      if (p.done) resolveDone();
    });
    const started = await api.call('discovery.scan', { targets: [...simTargets(), fakeBlock()] });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.value.total).toBe(farm.miners.length + 8);
    await done;
    const results = await api.call('discovery.results', { scanId: started.value.scanId });
    expect(results.ok && results.value.state).toBe('done');
    if (!results.ok) return;
    expect(results.value.summary).toMatchObject({ vnish: farm.miners.length, other: 5 });
    expect(progress.at(-1)).toMatchObject({ probed: farm.miners.length + 8, done: true });

    core.inventory.flush();
    const listed = await api.call('miners.list', {});
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    const ids = listed.value.miners.map((m) => m.id).sort();
    expect(ids).toEqual(farm.miners.map((m) => m.mac).sort());
    expect(listed.value.miners.every((m) => m.snapshot !== null && m.freshness === 'live')).toBe(true);
  });

  it('refuses bad targets and target files with a ValidationError, and a viewer cannot scan', async () => {
    const api = createClient(createInProcessTransport(core.dispatch, core.bus));
    const big = await api.call('discovery.scan', { targets: ['10.0.0.0/8'] });
    expect(!big.ok && big.error.code).toBe('ValidationError');
    expect(!big.ok && big.error.message).toMatch(/262,144/);
    const file = await api.call('discovery.scan', { targets: ['@/etc/passwd'] });
    expect(!file.ok && file.error.code).toBe('ValidationError');
    const empty = await api.call('discovery.scan', { targets: [] });
    expect(!empty.ok && empty.error.code).toBe('ValidationError');
    const viewer = createClient(
      createInProcessTransport(core.dispatch, core.bus, { role: 'viewer', caller: 'test' }),
    );
    const denied = await viewer.call('discovery.scan', { targets: ['127.0.0.1'] });
    expect(!denied.ok && denied.error.code).toBe('Forbidden');
  });

  it('cancels a running scan', async () => {
    const api = createClient(createInProcessTransport(core.dispatch, core.bus));
    // 127.0.0.0/16 on loopback: every address answers, so this takes seconds unless cancelled.
    const started = await api.call('discovery.scan', {
      targets: ['127.0.0.0/16'],
      options: { concurrency: 64 },
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const again = await api.call('discovery.scan', { targets: ['127.0.0.1'] });
    expect(!again.ok && again.error.code).toBe('Conflict');
    const cancelled = await api.call('discovery.cancel', { scanId: started.value.scanId });
    expect(cancelled.ok && cancelled.value.cancelled).toBe(true);
    const final = await core.discovery.wait(started.value.scanId);
    expect(final.state).toBe('cancelled');
    expect(final.summary?.cancelled).toBe(true);
    expect(final.summary!.probed).toBeLessThan(65534);
    const list = await api.call('discovery.list', {});
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    expect(list.value.scans[0]).toMatchObject({ scanId: started.value.scanId, state: 'cancelled' });
    expect(list.value.scans[0]).not.toHaveProperty('miners');
  });
});
