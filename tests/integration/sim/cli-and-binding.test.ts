/**
 * `hashwatch sim` as a process (prints addresses and the control URL, exits cleanly on SIGTERM), a
 * scenario file end to end, and, when running as root, miners on their own loopback addresses.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startFarm } from '../../../electron/sim/index.js';
import { call, cgminer } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scenario = fileURLToPath(new URL('../../fixtures/scenarios/small.json', import.meta.url));

describe('sim CLI', () => {
  it('prints every miner and the control URL, serves them, and closes on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./electron/sim/cli.ts').then(m => m.runSimCli(process.argv.slice(1))).then(c => process.exit(c))`,
        '--',
        '--scenario',
        scenario,
        '--seed',
        '7',
        '--speed',
        '60',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no control line in: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        if (/control: http:\/\/127\.0\.0\.1:\d+/.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const rows = out.split('\n').filter((l) => /^127\.0\.0\.1:\d+\t/.test(l));
    expect(rows).toHaveLength(7);
    const controlUrl = /control: (http:\/\/\S+)/.exec(out)![1]!;
    const miners = (await (await request(`${controlUrl}/miners`)).body.json()) as {
      address: string;
      firmware: string;
    }[];
    expect(miners.map((m) => m.address)).toEqual(rows.map((r) => r.split('\t')[0]));
    const info = await call(miners[0]!.address, 'GET', '/api/v1/info');
    expect((info.json as { fw_name: string }).fw_name).toBe('Vnish');
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});

describe('scenario file', () => {
  it('builds the farm it describes: models, firmware, passwords, presets shape, timezone, scheduled faults', async () => {
    const farm = await startFarm({ scenario, speed: 0 });
    try {
      expect(farm.miners.map((m) => m.model)).toEqual([
        'Antminer S19j Pro',
        'Antminer S19j Pro',
        'Antminer S19 XP',
        'Antminer S19 XP',
        'Antminer S21',
        'Antminer S21',
        'Antminer S21+ Hydro',
      ]);
      expect(farm.now()).toBe(Date.parse('2026-06-01T12:00:00Z'));
      expect(farm.miners[2]!.password).toBe('farm-pw');
      const unlock = await call(farm.miners[4]!.address, 'POST', '/api/v1/unlock', { body: { pw: 'admin' } });
      const token = (unlock.json as { token: string }).token;
      const presets = await call(farm.miners[4]!.address, 'GET', '/api/v1/autotune/presets', { token });
      expect(Array.isArray((presets.json as { presets: unknown[] }).presets)).toBe(true);
      const metrics = (await call(farm.miners[0]!.address, 'GET', '/api/v1/metrics')).json as {
        timezone: string;
      };
      expect(metrics.timezone).toBe('GMT+3');
      farm.advance(120_000);
      const fans = (
        (await call(farm.miners[1]!.address, 'GET', '/api/v1/summary')).json as {
          miner: { cooling: { fans: { rpm: number }[] } };
        }
      ).miner.cooling.fans;
      expect(fans[2]!.rpm).toBe(0);
      const truth = farm.groundTruth(4);
      expect(truth.faults[0]).toMatchObject({
        spec: { type: 'pool', mode: 'offline' },
        startMs: farm.now() - 120_000,
        endMs: farm.now() - 120_000 + 600_000,
      });
      farm.advance(600_000);
      expect(farm.groundTruth(4).faults[0]!.active).toBe(false);
    } finally {
      await farm.close();
    }
  });
});

describe.runIf(process.getuid?.() === 0)('ips binding (root)', () => {
  it('puts miners on 127.0.x.y:80 with cgminer on :4028', async () => {
    const farm = await startFarm({ miners: 3, bind: 'ips', speed: 0, seed: 2 });
    try {
      expect(farm.miners.map((m) => m.address)).toEqual(['127.0.1.1', '127.0.1.2', '127.0.1.3']);
      for (const m of farm.miners) {
        expect(m.httpPort).toBe(80);
        expect(m.cgminerPort).toBe(4028);
        const info = (await call(m.address, 'GET', '/api/v1/info')).json as {
          system: { network_status: { ip: string; mac: string } };
        };
        expect(info.system.network_status.ip).toBe(m.host);
        expect(info.system.network_status.mac.toLowerCase()).toBe(m.mac);
        const stats = await cgminer(4028, 'stats', m.host);
        expect(stats.nul).toBe(true);
      }
    } finally {
      await farm.close();
    }
  });
});
