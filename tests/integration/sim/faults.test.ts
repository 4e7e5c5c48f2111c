/**
 * Every fault type the simulator can inject, as a client would notice it, plus scheduled faults from a
 * scenario and clearing. Clock frozen (speed 0) and moved with `advance`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import { call, unlock } from './helpers.js';

interface Chain {
  hashrate_rt: number;
  hw_errors: number;
  chip_statuses: { red: number; orange: number; grey: number };
  status: { state: string; description?: string };
}
interface Summary {
  miner: {
    miner_status: { miner_state: string; description?: string };
    hr_realtime: number;
    power_consumption: number;
    chip_temp: { max: number };
    pools: { id: number; accepted: number; rejected: number; status: string }[];
    chains: Chain[];
    cooling: { fan_duty: number; fans: { rpm: number; status?: string }[] };
  };
}

const START = Date.UTC(2026, 5, 1, 10, 0, 0);
let farm: Farm;
const summary = async (i: number): Promise<Summary> =>
  (await call(farm.miners[i]!.address, 'GET', '/api/v1/summary')).json as Summary;

beforeAll(async () => {
  farm = await startFarm({
    seed: 21,
    speed: 0,
    startTimeMs: START,
    cgminer: false,
    miners: 15,
    scenario: {
      groups: [{ count: 1, model: 's19jpro', firmware: '1.2.7' }],
      site: { ambientC: 25, dailySwingC: 0, noiseC: 0 },
      faults: [{ miner: 13, type: 'chain', chain: 2, atS: 600 }],
    },
  });
});

afterAll(async () => {
  await farm?.close();
});

describe('hardware faults', () => {
  it('fan: a dead fan reads 0 rpm and lost, the others speed up and chips run hotter; two dead stop the miner', async () => {
    const before = await summary(0);
    farm.injectFault(0, { type: 'fan', fan: 1 });
    farm.advance(10 * 60_000);
    const after = await summary(0);
    expect(after.miner.cooling.fans[1]).toMatchObject({ rpm: 0, status: 'lost' });
    expect(after.miner.cooling.fans[0]!.status).toBe('ok');
    expect(after.miner.cooling.fan_duty).toBeGreaterThan(before.miner.cooling.fan_duty);
    expect(after.miner.chip_temp.max).toBeGreaterThan(before.miner.chip_temp.max);
    farm.injectFault(0, { type: 'fan', fan: 2 });
    farm.advance(10_000);
    const stopped = await summary(0);
    expect(stopped.miner.miner_status.miner_state).toBe('failure');
    expect(stopped.miner.hr_realtime).toBe(0);
  });

  it('fan (slow): rpm drops to about 40 %', async () => {
    const before = await summary(1);
    farm.injectFault(1, { type: 'fan', fan: 0, mode: 'slow' });
    farm.advance(5_000);
    const after = await summary(1);
    expect(after.miner.cooling.fans[0]!.rpm).toBeLessThan(before.miner.cooling.fans[0]!.rpm * 0.5);
  });

  it('chain: the chain reports failure and its hashrate is lost', async () => {
    const before = await summary(2);
    farm.injectFault(2, { type: 'chain', chain: 1 });
    farm.advance(5_000);
    const after = await summary(2);
    expect(after.miner.chains[1]!.status.state).toBe('failure');
    expect(after.miner.chains[1]!.hashrate_rt).toBe(0);
    expect(after.miner.hr_realtime).toBeLessThan(before.miner.hr_realtime * 0.75);
    expect(after.miner.power_consumption).toBeLessThan(before.miner.power_consumption * 0.8);
    const m = (await call(farm.miners[2]!.address, 'GET', '/api/v1/metrics?time_slice=600&step=60')).json as {
      annotations: { data: { type: string; chain_id?: number } }[];
    };
    expect(m.annotations.some((a) => a.data.type === 'disable_chain' && a.data.chain_id === 1)).toBe(true);
  });

  it('chip degradation: orange then red chips and faster hardware errors, ending in chain failure', async () => {
    const a = await summary(3);
    farm.injectFault(3, { type: 'chip-degradation', chain: 0, rampS: 3600 });
    farm.advance(15 * 60_000);
    const b = await summary(3);
    farm.advance(20 * 60_000);
    const c = await summary(3);
    expect(b.miner.chains[0]!.chip_statuses.orange + b.miner.chains[0]!.chip_statuses.red).toBeGreaterThan(0);
    expect(c.miner.chains[0]!.chip_statuses.red).toBeGreaterThan(b.miner.chains[0]!.chip_statuses.red);
    const rateAB = (b.miner.chains[0]!.hw_errors - a.miner.chains[0]!.hw_errors) / 15;
    const rateBC = (c.miner.chains[0]!.hw_errors - b.miner.chains[0]!.hw_errors) / 20;
    expect(rateBC).toBeGreaterThan(rateAB);
    expect(c.miner.chains[0]!.hashrate_rt).toBeLessThan(a.miner.chains[0]!.hashrate_rt);
    farm.advance(30 * 60_000);
    const d = await summary(3);
    expect(d.miner.chains[0]!.status.state).toBe('failure');
    const truth = farm.groundTruth(3);
    expect(truth.faults[0]).toMatchObject({ spec: { type: 'chip-degradation' }, active: true });
  });

  it('pool: rejects rise on a rejecting pool; an offline pool fails over to the next', async () => {
    farm.injectFault(4, { type: 'pool', pool: 0, mode: 'rejecting' });
    const a = await summary(4);
    farm.advance(60 * 60_000);
    const b = await summary(4);
    expect(b.miner.pools[0]!.status).toBe('rejecting');
    const rej = b.miner.pools[0]!.rejected - a.miner.pools[0]!.rejected;
    const acc = b.miner.pools[0]!.accepted - a.miner.pools[0]!.accepted;
    expect(rej / (rej + acc)).toBeGreaterThan(0.05);

    farm.injectFault(5, { type: 'pool', pool: 0, mode: 'offline' });
    farm.advance(30_000);
    expect((await summary(5)).miner.pools[0]!.status).toBe('offline');
    farm.advance(60_000);
    const c = await summary(5);
    expect(c.miner.pools[1]!.status).toBe('active');
    farm.advance(10 * 60_000);
    const d = await summary(5);
    expect(d.miner.pools[1]!.accepted).toBeGreaterThan(c.miner.pools[1]!.accepted);
    expect(d.miner.hr_realtime).toBeGreaterThan(0);
  });

  it('overheat: with a fan down on a hot day, self-protection restarts, downscales the preset, then gives up', async () => {
    const a = farm.miners[6]!.address;
    const token = await unlock(a);
    const presetOf = async () =>
      (
        (await call(a, 'GET', '/api/v1/settings', { token })).json as {
          miner: { overclock: { preset: string } };
        }
      ).miner.overclock.preset;
    const presetBefore = await presetOf();
    farm.injectFault(6, { type: 'fan', fan: 0 });
    farm.injectFault(6, { type: 'overheat', extraC: 14 });
    farm.advance(30 * 60_000);
    const m = (await call(a, 'GET', '/api/v1/metrics?time_slice=3600&step=60')).json as {
      annotations: { data: { type: string } }[];
    };
    expect(m.annotations.some((x) => x.data.type === 'overheat')).toBe(true);
    expect(Number(await presetOf())).toBeLessThan(Number(presetBefore));
    const log = (await call(a, 'GET', '/api/v1/logs/status')).text;
    expect(log).toMatch(/Restarting .*overheat/);
  });

  it('overheat: inlet air past the model limit stops the miner', async () => {
    farm.injectFault(14, { type: 'overheat', extraC: 25 });
    farm.advance(10_000);
    const s = await summary(14);
    expect(s.miner.miner_status.miner_state).toBe('failure');
    expect(s.miner.miner_status.description).toMatch(/Ambient/);
  });

  it('psu-limit: power is held under the limit by lowering frequency', async () => {
    const before = await summary(7);
    farm.injectFault(7, { type: 'psu-limit', maxW: 2400 });
    farm.advance(15 * 60_000);
    const after = await summary(7);
    expect(after.miner.power_consumption).toBeLessThanOrEqual(2400);
    expect(after.miner.hr_realtime).toBeLessThan(before.miner.hr_realtime * 0.9);
  });

  it('scenario faults start at their time', async () => {
    const t = farm.groundTruth(13);
    expect(t.faults[0]!.startMs).toBe(START + 600_000);
    expect((await summary(13)).miner.chains[2]!.status.state).toBe('failure');
  });
});

describe('network faults', () => {
  it('net-slow delays every answer', async () => {
    farm.injectFault(8, { type: 'net-slow', delayMs: 300 });
    const t0 = performance.now();
    const r = await call(farm.miners[8]!.address, 'GET', '/api/v1/info');
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    farm.clearFaults(8);
  });

  it('net-timeout never answers', async () => {
    farm.injectFault(9, { type: 'net-timeout' });
    const agent = new Agent({ headersTimeout: 300, bodyTimeout: 300 });
    await expect(
      request(`http://${farm.miners[9]!.address}/api/v1/summary`, { dispatcher: agent }),
    ).rejects.toThrow(/timeout/i);
    await agent.close().catch(() => undefined);
    farm.clearFaults(9);
    expect((await call(farm.miners[9]!.address, 'GET', '/api/v1/info')).status).toBe(200);
  });

  it('net-reset drops the connection', async () => {
    farm.injectFault(10, { type: 'net-reset' });
    await expect(call(farm.miners[10]!.address, 'GET', '/api/v1/summary')).rejects.toThrow();
    farm.clearFaults(10);
  });

  it('http-500 answers {"err"}; malformed-json answers broken JSON', async () => {
    farm.injectFault(11, { type: 'http-500', message: 'cgminer not responding' });
    const r = await call(farm.miners[11]!.address, 'GET', '/api/v1/summary');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ err: 'cgminer not responding' });
    farm.clearFaults(11);
    farm.injectFault(11, { type: 'malformed-json' });
    const m = await call(farm.miners[11]!.address, 'GET', '/api/v1/summary');
    expect(m.status).toBe(200);
    expect(() => JSON.parse(m.text)).toThrow();
    farm.clearFaults(11);
    expect(JSON.parse((await call(farm.miners[11]!.address, 'GET', '/api/v1/summary')).text)).toHaveProperty(
      'miner',
    );
  });

  it('probability makes a fault intermittent, the same way every run', async () => {
    farm.injectFault(11, { type: 'http-500', probability: 0.5 });
    const statuses: number[] = [];
    for (let k = 0; k < 20; k++)
      statuses.push((await call(farm.miners[11]!.address, 'GET', '/api/v1/info')).status);
    expect(statuses).toContain(500);
    expect(statuses).toContain(200);
    farm.clearFaults(11);
  });

  it('token-expiry: existing tokens die at once (ttl 0) or after their lifetime', async () => {
    const a = farm.miners[12]!.address;
    const old = await unlock(a);
    farm.injectFault(12, { type: 'token-expiry' });
    expect((await call(a, 'GET', '/api/v1/settings', { token: old })).status).toBe(401);
    const fresh = await unlock(a);
    expect((await call(a, 'GET', '/api/v1/settings', { token: fresh })).status).toBe(200);
    farm.clearFaults(12);
    farm.injectFault(12, { type: 'token-expiry', ttlS: 60 });
    const t = await unlock(a);
    expect((await call(a, 'GET', '/api/v1/settings', { token: t })).status).toBe(200);
    farm.advance(61_000);
    expect((await call(a, 'GET', '/api/v1/settings', { token: t })).status).toBe(401);
    farm.clearFaults(12);
  });

  it('clearFaults repairs hardware faults', async () => {
    farm.clearFaults(2);
    farm.advance(5_000);
    expect((await summary(2)).miner.chains[1]!.status.state).not.toBe('failure');
    expect(farm.groundTruth(2).faults).toEqual([]);
  });
});
