/**
 * The simulated miner's API as a client sees it: auth, state transitions, cross-endpoint consistency,
 * the cgminer TCP API, the web page, determinism and the control API. Loopback only, clock frozen
 * (speed 0) and moved with `advance`, so nothing depends on the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import { call, cgminer, unlock } from './helpers.js';

interface Summary {
  miner: {
    miner_status: { miner_state: string; miner_state_time: number; throttled?: number };
    hr_realtime: number;
    hr_nominal: number;
    power_consumption: number;
    chip_temp: { max: number };
    hw_errors: number;
    best_share: number;
    pools: { id: number; accepted: number; rejected: number; status: string; pool_type: string }[];
    chains: {
      hashrate_rt: number;
      power_consumption: number;
      hw_errors: number;
      status: { state: string };
    }[];
    cooling: { fan_duty: number; fans: { rpm: number; status?: string }[] };
  };
}

const START = Date.UTC(2026, 5, 1, 10, 0, 0);
let farm: Farm;

const summary = async (i: number): Promise<Summary> =>
  (await call(farm.miners[i]!.address, 'GET', '/api/v1/summary')).json as Summary;
const state = async (i: number): Promise<string> => (await summary(i)).miner.miner_status.miner_state;

beforeAll(async () => {
  farm = await startFarm({
    seed: 5,
    speed: 0,
    startTimeMs: START,
    scenario: {
      groups: [
        { count: 3, model: 's19jpro', firmware: '1.2.7' },
        { count: 2, model: 's21', firmware: '1.3.4' },
        { count: 1, model: 's19xp', firmware: '1.3.0' },
        { count: 1, model: 's19jpro', firmware: '1.2.7', password: 'secret' },
      ],
      timing: { rebootDownS: 60, initS: 20, restartS: 15, startS: 30, autotuneS: 600 },
    },
  });
});

afterAll(async () => {
  await farm?.close();
});

describe('auth', () => {
  it('protects settings and writes with 401 and no body; accepts Bearer and bare tokens', async () => {
    const a = farm.miners[0]!.address;
    const no = await call(a, 'GET', '/api/v1/settings');
    expect(no.status).toBe(401);
    expect(no.text).toBe('');
    expect((await call(a, 'POST', '/api/v1/mining/restart')).status).toBe(401);
    expect((await call(a, 'GET', '/api/v1/settings', { token: 'x'.repeat(32) })).status).toBe(401);
    const token = await unlock(a);
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await unlock(a)).not.toBe(token);
    expect((await call(a, 'GET', '/api/v1/settings', { token })).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/settings', { token, bare: true })).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/summary')).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/auth-check')).status).toBe(401);
    await call(a, 'POST', '/api/v1/lock', { token });
    expect((await call(a, 'GET', '/api/v1/settings', { token })).status).toBe(401);
  });

  it('answers 403 to a wrong password and 429 with unlock_timeout after repeated failures', async () => {
    const a = farm.miners[1]!.address;
    const first = await call(a, 'POST', '/api/v1/unlock', { body: { pw: 'wrong' } });
    expect(first.status).toBe(403);
    let last = first;
    for (let i = 0; i < 4; i++) last = await call(a, 'POST', '/api/v1/unlock', { body: { pw: 'wrong' } });
    expect(last.status).toBe(429);
    expect((last.json as { unlock_timeout: number }).unlock_timeout).toBeGreaterThan(0);
    // Even the right password waits out the lockout.
    expect((await call(a, 'POST', '/api/v1/unlock', { body: { pw: 'admin' } })).status).toBe(429);
    expect((await call(a, 'GET', '/api/v1/status')).json).toMatchObject({
      unlock_timeout: expect.any(Number),
    });
    farm.advance(61_000);
    expect((await call(a, 'POST', '/api/v1/unlock', { body: { pw: 'admin' } })).status).toBe(200);
  });

  it('uses each miner its own password, changeable through settings and the control side', async () => {
    const mi = farm.miners[6]!;
    expect(mi.password).toBe('secret');
    expect((await call(mi.address, 'POST', '/api/v1/unlock', { body: { pw: 'admin' } })).status).toBe(403);
    const token = await unlock(mi.address, 'secret');
    const changed = await call(mi.address, 'POST', '/api/v1/settings', {
      token,
      body: { password: { current: 'secret', pw: 'n3w' } },
    });
    expect(changed.status).toBe(200);
    expect((await call(mi.address, 'POST', '/api/v1/unlock', { body: { pw: 'secret' } })).status).toBe(403);
    await unlock(mi.address, 'n3w');
    expect(farm.miners[6]!.password).toBe('n3w');
    farm.setPassword(6, 'again');
    expect(farm.miners[6]!.password).toBe('again');
    await unlock(mi.address, 'again');
  });

  it('reboot: answers {after}, goes unreachable, comes back with every token dead', async () => {
    const a = farm.miners[2]!.address;
    const token = await unlock(a);
    const r = await call(a, 'POST', '/api/v1/system/reboot', { token });
    expect(r.json).toEqual({ after: 3 });
    await new Promise((res) => setTimeout(res, 50));
    await expect(call(a, 'GET', '/api/v1/info')).rejects.toThrow();
    farm.advance(61_000);
    await new Promise((res) => setTimeout(res, 50));
    const s = await summary(2);
    expect(s.miner.miner_status.miner_state).toBe('initializing');
    expect(s.miner.hr_realtime).toBe(0);
    expect((await call(a, 'GET', '/api/v1/settings', { token })).status).toBe(401);
    await unlock(a);
    farm.advance(20_000 + 30_000 + 5_000);
    expect(await state(2)).toBe('mining');
  });
});

describe('web page and unknown paths', () => {
  it('serves the AnthillOS page at / and for unknown paths', async () => {
    const a = farm.miners[0]!.address;
    for (const p of ['/', '/dashboard', '/api/v1/no-such-thing']) {
      const r = await call(a, 'GET', p);
      expect(r.text).toContain('AnthillOS');
      expect(r.type).toContain('text/html');
    }
    // /chains is 1.2.x, /boards is 1.3.x.
    expect((await call(a, 'GET', '/api/v1/boards')).status).toBe(404);
    expect((await call(farm.miners[3]!.address, 'GET', '/api/v1/chains')).status).toBe(404);
    expect((await call(farm.miners[3]!.address, 'GET', '/api/v1/boards')).status).toBe(200);
  });
});

describe('state transitions', () => {
  it('an untuned preset goes restarting -> starting -> auto-tuning (reduced hashrate) -> mining, then is tuned', async () => {
    const a = farm.miners[0]!.address;
    const token = await unlock(a);
    const presets = (await call(a, 'GET', '/api/v1/autotune/presets', { token })).json as {
      name: string;
      status: string;
    }[];
    const target = presets.find((p) => p.name !== 'disabled' && p.status === 'untuned')!;
    const res = await call(a, 'POST', '/api/v1/settings', {
      token,
      body: { miner: { overclock: { preset: target.name } } },
    });
    expect(res.json).toEqual({ restart_required: true, reboot_required: false });
    const s0 = await summary(0);
    expect(s0.miner.miner_status.miner_state).toBe('restarting');
    expect(s0.miner.hr_realtime).toBe(0);
    farm.advance(15_000);
    expect(await state(0)).toBe('starting');
    farm.advance(30_000);
    const tuning = await summary(0);
    expect(tuning.miner.miner_status.miner_state).toBe('auto-tuning');
    farm.advance(60_000);
    const mid = await summary(0);
    expect(mid.miner.hr_realtime).toBeGreaterThan(0);
    expect(mid.miner.hr_realtime).toBeLessThan(mid.miner.hr_nominal * 0.97);
    const perf = (await call(a, 'GET', '/api/v1/perf-summary')).json as { current_preset: { name: string } };
    expect(perf.current_preset.name).toBe(target.name);
    farm.advance(600_000);
    expect(await state(0)).toBe('mining');
    const after = (await call(a, 'GET', '/api/v1/autotune/presets', { token })).json as {
      name: string;
      status: string;
    }[];
    expect(after.find((p) => p.name === target.name)?.status).toBe('tuned');
    // Back to a tuned preset: no auto-tuning this time.
    await call(a, 'POST', '/api/v1/settings', {
      token,
      body: { miner: { overclock: { preset: presets.find((p) => p.status === 'tuned')!.name } } },
    });
    farm.advance(15_000 + 30_000 + 5_000);
    expect(await state(0)).toBe('mining');
  });

  it('stop, start, pause, resume and restart behave like the firmware', async () => {
    const a = farm.miners[1]!.address;
    const token = await unlock(a);
    expect((await call(a, 'POST', '/api/v1/mining/stop', { token })).status).toBe(200);
    expect(await state(1)).toBe('shutting-down');
    farm.advance(10_000);
    const stopped = await summary(1);
    expect(stopped.miner.miner_status.miner_state).toBe('stopped');
    expect(stopped.miner.hr_realtime).toBe(0);
    expect(stopped.miner.power_consumption).toBeLessThan(200);
    // Resume of a miner that is not paused is a firmware error.
    const bad = await call(a, 'POST', '/api/v1/mining/resume', { token });
    expect(bad.status).toBe(500);
    expect(bad.json).toHaveProperty('err');
    await call(a, 'POST', '/api/v1/mining/start', { token });
    expect(await state(1)).toBe('starting');
    farm.advance(35_000);
    expect(await state(1)).toBe('mining');
    await call(a, 'POST', '/api/v1/mining/pause', { token });
    expect(await state(1)).toBe('stopped');
    await call(a, 'POST', '/api/v1/mining/resume', { token });
    farm.advance(5_000);
    expect(await state(1)).toBe('mining');
    await call(a, 'POST', '/api/v1/mining/restart', { token });
    farm.advance(5_000);
    const r = await summary(1);
    expect(r.miner.miner_status.miner_state).toBe('restarting');
    expect(r.miner.hr_realtime).toBe(0);
    farm.advance(50_000);
    expect(await state(1)).toBe('mining');
  });

  it('throttle (1.3.x) lowers hashrate about 80 s later and shows in miner_status.throttled', async () => {
    const a = farm.miners[4]!.address;
    const token = await unlock(a);
    const before = await summary(4);
    await call(a, 'POST', '/api/v1/mining/throttle', { token, body: { percent: 60 } });
    farm.advance(30_000);
    expect((await summary(4)).miner.miner_status.throttled).toBe(100);
    farm.advance(60_000);
    const after = await summary(4);
    expect(after.miner.miner_status.throttled).toBe(60);
    expect(after.miner.hr_realtime).toBeLessThan(before.miner.hr_realtime * 0.7);
    expect((await call(a, 'POST', '/api/v1/mining/throttle', { token, body: { percent: 10 } })).status).toBe(
      500,
    );
    expect(
      (
        await call(farm.miners[0]!.address, 'POST', '/api/v1/mining/throttle', {
          token: await unlock(farm.miners[0]!.address),
          body: { percent: 60 },
        })
      ).status,
    ).toBe(404);
    await call(a, 'POST', '/api/v1/mining/throttle', { token, body: { percent: 100 } });
  });

  it('find-miner toggles and shows in /status', async () => {
    const a = farm.miners[0]!.address;
    const token = await unlock(a);
    expect((await call(a, 'POST', '/api/v1/find-miner', { token })).json).toEqual({ on: true });
    expect((await call(a, 'GET', '/api/v1/status')).json).toMatchObject({ find_miner: true });
    expect((await call(a, 'POST', '/api/v1/find-miner', { token })).json).toEqual({ on: false });
  });
});

describe('pools, API keys and notes', () => {
  it('switch-pool moves a pool to the front and mines on it; settings replace the pool list', async () => {
    const a = farm.miners[3]!.address;
    const token = await unlock(a);
    const before = await summary(3);
    const url2 = (before.miner.pools[2] as unknown as { url: string }).url;
    expect(
      (await call(a, 'POST', '/api/v1/mining/switch-pool', { token, body: { pool_id: 2 } })).status,
    ).toBe(200);
    farm.advance(120_000);
    const after = await summary(3);
    expect((after.miner.pools[0] as unknown as { url: string }).url).toBe(url2);
    expect(after.miner.pools[0]!.status).toBe('active');
    expect(after.miner.pools[0]!.accepted).toBeGreaterThan(0);
    const pools = [{ url: 'stratum+tcp://solo.example:3333', user: 'me', pass: 'x' }];
    const res = await call(a, 'POST', '/api/v1/settings', { token, body: { miner: { pools } } });
    expect(res.json).toMatchObject({ restart_required: true });
    const settings = (await call(a, 'GET', '/api/v1/settings', { token })).json as {
      miner: { pools: unknown[] };
    };
    expect(settings.miner.pools).toEqual(pools);
    farm.advance(60_000);
  });

  it('accepts a 32-character x-api-key once added, and keeps notes', async () => {
    const a = farm.miners[0]!.address;
    const token = await unlock(a);
    const key = 'k'.repeat(32);
    expect(
      (await call(a, 'POST', '/api/v1/apikeys', { token, body: { key, description: 'hashwatch' } })).json,
    ).toEqual({ status: 'inserted' });
    const r = await request(`http://${a}/api/v1/settings`, { headers: { 'x-api-key': key } });
    expect(r.statusCode).toBe(200);
    await r.body.text();
    expect((await call(a, 'POST', '/api/v1/apikeys', { token, body: { key: 'short' } })).status).toBe(500);
    expect(
      (await call(a, 'POST', '/api/v1/notes', { token, body: { key: 'rack', value: 'A3' } })).status,
    ).toBe(200);
    expect((await call(a, 'GET', '/api/v1/notes/rack')).json).toEqual({ value: 'A3' });
    expect(
      (await call(a, 'POST', '/api/v1/notes', { token, body: { key: 'rack', value: 'B1' } })).status,
    ).toBe(409);
    expect((await call(a, 'DELETE', '/api/v1/notes/rack', { token })).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/notes/rack')).status).toBe(404);
  });
});

describe('consistency across endpoints', () => {
  it('chains sum to the summary, chips sum to their chain', async () => {
    farm.advance(5_000);
    for (const i of [0, 3]) {
      const mi = farm.miners[i]!;
      const s = await summary(i);
      const sumHr = s.miner.chains.reduce((x, c) => x + c.hashrate_rt, 0);
      expect(Math.abs(sumHr - s.miner.hr_realtime)).toBeLessThan(0.05);
      const sumW = s.miner.chains.reduce((x, c) => x + c.power_consumption, 0);
      expect(sumW).toBeLessThan(s.miner.power_consumption);
      expect(sumW).toBeGreaterThan(s.miner.power_consumption * 0.85);
      const detail = (
        await call(mi.address, 'GET', mi.firmware.startsWith('1.3') ? '/api/v1/boards' : '/api/v1/chains')
      ).json as {
        hr_realtime: number;
        chips: { hr: number }[];
      }[];
      for (const [ci, c] of detail.entries()) {
        expect(c.hr_realtime).toBe(s.miner.chains[ci]!.hashrate_rt);
        const chips = c.chips.reduce((x, ch) => x + ch.hr, 0);
        expect(Math.abs(chips - c.hr_realtime) / c.hr_realtime).toBeLessThan(0.01);
      }
    }
  });

  it('/metrics history matches what /summary reported at those minutes', async () => {
    const a = farm.miners[3]!.address;
    // Align to a minute boundary of the sim clock.
    farm.advance(60_000 - (farm.now() % 60_000));
    const seen: { time: number; hr: number; power: number; chip: number; duty: number }[] = [];
    for (let k = 0; k < 6; k++) {
      const s = await summary(3);
      seen.push({
        time: Math.floor(farm.now() / 1000),
        hr: s.miner.hr_realtime,
        power: s.miner.power_consumption,
        chip: s.miner.chip_temp.max,
        duty: s.miner.cooling.fan_duty,
      });
      farm.advance(60_000);
    }
    const m = (await call(a, 'GET', '/api/v1/metrics?time_slice=900&step=60')).json as {
      metrics: {
        time: number;
        data: { hashrate: number; power_consumption: number; chip_max_temp: number; fan_duty: number };
      }[];
    };
    for (const s of seen) {
      const row = m.metrics.find((r) => r.time === s.time);
      expect(row, `sample at ${s.time}`).toBeDefined();
      expect(row!.data.hashrate).toBe(s.hr);
      expect(row!.data.power_consumption).toBe(s.power);
      expect(row!.data.chip_max_temp).toBe(s.chip);
      expect(row!.data.fan_duty).toBe(s.duty);
    }
    // Newest first; a coarser step averages.
    expect(m.metrics[0]!.time).toBeGreaterThan(m.metrics[1]!.time);
    const coarse = (await call(a, 'GET', '/api/v1/metrics?time_slice=3600&step=900')).json as {
      metrics: { time: number }[];
    };
    for (const r of coarse.metrics) expect(r.time % 900).toBe(0);
  });

  it('counters only grow and miner_state_time advances while mining', async () => {
    let prev = await summary(3);
    for (let k = 0; k < 5; k++) {
      farm.advance(120_000);
      const s = await summary(3);
      expect(s.miner.miner_status.miner_state).toBe('mining');
      expect(s.miner.miner_status.miner_state_time).toBe(prev.miner.miner_status.miner_state_time + 120);
      expect(s.miner.pools[0]!.accepted).toBeGreaterThan(prev.miner.pools[0]!.accepted);
      expect(s.miner.pools[0]!.rejected).toBeGreaterThanOrEqual(prev.miner.pools[0]!.rejected);
      expect(s.miner.hw_errors).toBeGreaterThanOrEqual(prev.miner.hw_errors);
      expect(s.miner.best_share).toBeGreaterThanOrEqual(prev.miner.best_share);
      prev = s;
    }
  });
});

describe('cgminer TCP API', () => {
  it('answers version, summary, stats, pools and devs as NUL-terminated JSON with vnish strings', async () => {
    const mi = farm.miners[0]!;
    const port = mi.cgminerPort!;
    const stats = await cgminer(port, 'stats');
    expect(stats.nul).toBe(true);
    const sj = JSON.parse(stats.text) as { STATS: { Type: string }[] };
    expect(sj.STATS[0]!.Type).toBe('Antminer S19j Pro (Vnish 1.2.7)');
    const version = JSON.parse((await cgminer(port, 'version')).text) as { VERSION: { Type: string }[] };
    expect(version.VERSION[0]!.Type).toContain('Vnish');
    const sum = JSON.parse((await cgminer(port, 'summary')).text) as {
      SUMMARY: { 'GHS 5s': number; Accepted: number }[];
    };
    const http = await summary(0);
    expect(sum.SUMMARY[0]!['GHS 5s']).toBe(http.miner.hr_realtime);
    const pools = JSON.parse((await cgminer(port, 'pools')).text) as {
      POOLS: { URL: string; Accepted: number }[];
    };
    expect(pools.POOLS[0]!.Accepted).toBe(http.miner.pools[0]!.accepted);
    const devs = JSON.parse((await cgminer(port, 'devs')).text) as { DEVS: unknown[] };
    expect(devs.DEVS).toHaveLength(3);
    const joined = JSON.parse((await cgminer(port, 'summary+pools')).text) as Record<string, unknown>;
    expect(Object.keys(joined).sort()).toEqual(['pools', 'summary']);
    const bad = JSON.parse((await cgminer(port, 'nonsense')).text) as { STATUS: { STATUS: string }[] };
    expect(bad.STATUS[0]!.STATUS).toBe('E');
  });

  it('on 1.3.0 version answers nothing while stats still identifies the miner', async () => {
    const mi = farm.miners[5]!;
    expect(mi.firmware).toBe('1.3.0');
    expect((await cgminer(mi.cgminerPort!, 'version')).text).toBe('');
    const sj = JSON.parse((await cgminer(mi.cgminerPort!, 'stats')).text) as { STATS: { Type: string }[] };
    expect(sj.STATS[0]!.Type).toBe('Antminer S19 XP (Vnish 1.3.0)');
  });
});

describe('control API', () => {
  it('lists miners, injects faults, reports ground truth and moves the clock', async () => {
    const base = farm.controlUrl;
    const list = (await (await request(`${base}/miners`)).body.json()) as { address: string }[];
    expect(list.map((m) => m.address)).toEqual(farm.miners.map((m) => m.address));
    const t0 = farm.now();
    const inj = await request(`${base}/miners/3/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'pool', pool: 0, mode: 'rejecting' }),
    });
    const rec = (await inj.body.json()) as { id: number; startMs: number; spec: { type: string } };
    expect(rec.spec.type).toBe('pool');
    expect(rec.startMs).toBeGreaterThanOrEqual(t0);
    const truth = (await (
      await request(`${base}/miners/3/truth?electricity=0.08&hashprice=0.05`)
    ).body.json()) as {
      quality: number;
      bestPreset: { name: string };
      faults: { spec: { type: string }; startMs: number }[];
      electricityUsdPerKwh: number;
    };
    expect(truth.electricityUsdPerKwh).toBe(0.08);
    expect(truth.faults.map((f) => f.spec.type)).toContain('pool');
    expect(truth.quality).toBeGreaterThan(0.8);
    const adv = (await (
      await request(`${base}/advance`, { method: 'POST', body: JSON.stringify({ ms: 5000 }) })
    ).body.json()) as { nowMs: number };
    expect(adv.nowMs).toBe(farm.now());
    await request(`${base}/miners/3/faults`, { method: 'DELETE' });
    expect(farm.groundTruth(3).faults).toEqual([]);
    expect((await request(`${base}/miners/99/truth`)).statusCode).toBe(404);
    expect(
      (await request(`${base}/miners/0/faults`, { method: 'POST', body: JSON.stringify({ type: 'meteor' }) }))
        .statusCode,
    ).toBe(400);
  });
});

describe('determinism', () => {
  it('the same seed gives the same farm and the same numbers; another seed does not', async () => {
    const spec = { groups: [{ count: 3, model: 's21', firmware: '1.3.4' }] };
    const mk = (seed: number) =>
      startFarm({ seed, speed: 0, startTimeMs: START, scenario: spec, cgminer: false });
    const [f1, f2, f3] = await Promise.all([mk(9), mk(9), mk(10)]);
    try {
      for (const f of [f1, f2, f3]) f.advance(30 * 60_000);
      const bodies = async (f: Farm) =>
        Promise.all(f.miners.map(async (m) => (await call(m.address, 'GET', '/api/v1/summary')).text));
      const [b1, b2, b3] = await Promise.all([bodies(f1), bodies(f2), bodies(f3)]);
      expect(b1).toEqual(b2);
      expect(b1).not.toEqual(b3);
      expect(f1.miners.map((m) => m.mac)).toEqual(f2.miners.map((m) => m.mac));
      expect(f1.miners.map((m) => m.mac)).not.toEqual(f3.miners.map((m) => m.mac));
      expect(f1.groundTruth(1)).toEqual(f2.groundTruth(1));
      expect(f1.groundTruth(1).quality).not.toBe(f3.groundTruth(1).quality);
    } finally {
      await Promise.all([f1.close(), f2.close(), f3.close()]);
    }
  });
});
