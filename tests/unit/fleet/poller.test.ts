import { describe, expect, it } from 'vitest';
import {
  createVnishPoller,
  type SnapshotInput,
  type VnishReads,
} from '../../../electron/core/fleet/poller.js';
import { HashwatchError } from '../../../shared/errors.js';
import type { MinerState } from '../../../shared/miner.js';
import { ManualClock } from './manual-clock.js';
import { makeSnapshot } from './fixtures.js';

const setup = (opts: { settingsError?: HashwatchError; badModel?: boolean } = {}) => {
  const clock = new ManualClock();
  const calls: string[] = [];
  const miner = {
    state: 'mining' as MinerState,
    bootAt: clock.now() - 3_600_000,
    up: true,
    powerW: 3050,
    preset: '3200',
  };
  const answer =
    <T>(name: string, body: () => T) =>
    async () => {
      calls.push(name);
      if (!miner.up) throw new HashwatchError('Unreachable', 'down');
      return body();
    };
  const client: VnishReads = {
    summary: answer('summary', () => ({ state: miner.state, powerW: miner.powerW })),
    perfSummary: answer('perf', () => ({ current_preset: { name: miner.preset } })),
    info: answer('info', () => ({
      miner: 'Antminer S19',
      system: {
        uptime: Math.floor((clock.now() - miner.bootAt) / 1000),
        network_status: { mac: '02:00:00:00:00:01' },
      },
      unrelated: 'x'.repeat(1000),
    })),
    model: answer('model', () =>
      opts.badModel ? { full_name: { nested: true } } : { full_name: 'Antminer S19', model: 's19' },
    ),
    settings: async () => {
      calls.push('settings');
      if (opts.settingsError) throw opts.settingsError;
      return { miner: { overclock: { preset: '3200' } } };
    },
  };
  const seen: SnapshotInput[] = [];
  const poller = createVnishPoller({
    client,
    clock,
    slowTtlMs: 600_000,
    random: () => 0.5,
    normalise: (p) => {
      seen.push(p);
      const info = p.info as { system: { uptime: number } };
      const summary = p.summary as { state: MinerState; powerW: number };
      const perf = p.perfSummary as { current_preset: { name: string } } | null;
      return makeSnapshot({
        state: summary.state,
        powerW: summary.powerW,
        uptimeS: info.system.uptime,
        preset: { running: perf?.current_preset.name ?? null, configured: '3200' },
      });
    },
  });
  const target = { id: 'm', address: '127.0.0.2', mac: null };
  const slowReads = () => calls.filter((c) => c === 'info').length;
  return { clock, calls, miner, poller, target, seen, slowReads };
};

describe('vnish poller', () => {
  it('reads /summary every poll, /perf-summary every 6th poll and the slow data once per TTL', async () => {
    const { clock, calls, poller, target, slowReads } = setup();
    await poller.poll(target);
    expect(calls.sort()).toEqual(['info', 'model', 'perf', 'settings', 'summary']);
    calls.length = 0;
    for (let i = 0; i < 10; i++) {
      await clock.advance(10_000);
      await poller.poll(target);
    }
    expect(calls.filter((c) => c === 'summary')).toHaveLength(10);
    expect(calls.filter((c) => c === 'perf')).toHaveLength(1);
    expect(slowReads()).toBe(0);
    await clock.advance(600_000);
    await poller.poll(target);
    expect(slowReads()).toBe(1);
  });

  it('re-reads /perf-summary in the same poll when power jumps or the state changes', async () => {
    const { clock, calls, miner, poller, target } = setup();
    await poller.poll(target);
    await clock.advance(10_000);
    await poller.poll(target);
    calls.length = 0;
    // The firmware's preset switcher steps down by temperature: power drops, the preset moves.
    miner.preset = '2800';
    miner.powerW = 2700;
    await clock.advance(10_000);
    const stepped = await poller.poll(target);
    expect(calls.filter((c) => c === 'perf')).toHaveLength(1);
    expect(stepped.preset.running).toBe('2800');
    expect(stepped.powerW).toBe(2700);
    // Small power wobble: no extra read, the last preset stands.
    calls.length = 0;
    miner.powerW = 2710;
    await clock.advance(10_000);
    const steady = await poller.poll(target);
    expect(calls).toEqual(['summary']);
    expect(steady.preset.running).toBe('2800');
    // A state change reads it again too.
    miner.state = 'auto-tuning';
    miner.preset = '3000';
    await clock.advance(10_000);
    const tuning = await poller.poll(target);
    expect(tuning.preset.running).toBe('3000');
  });

  it('keeps the uptime current between slow reads', async () => {
    const { clock, poller, target } = setup();
    const first = await poller.poll(target);
    await clock.advance(120_000);
    const later = await poller.poll(target);
    expect(later.uptimeS! - first.uptimeS!).toBe(120);
  });

  it('re-reads slow data after invalidate, after an unanswered poll (reboot), and when mining resumes', async () => {
    const { clock, miner, poller, target, slowReads } = setup();
    await poller.poll(target);
    poller.invalidate('m');
    await poller.poll(target);
    expect(slowReads()).toBe(2);

    miner.up = false;
    await expect(poller.poll(target)).rejects.toThrow('down');
    miner.up = true;
    miner.bootAt = clock.now();
    await clock.advance(30_000);
    const back = await poller.poll(target);
    expect(slowReads()).toBe(3); // the first answer after the silence re-reads everything
    expect(back.uptimeS).toBe(30);

    // A firmware restart seen as a state change: re-read once it mines again.
    miner.state = 'restarting';
    await poller.poll(target);
    const before = slowReads();
    miner.state = 'mining';
    await poller.poll(target);
    await poller.poll(target);
    expect(slowReads()).toBe(before + 1);
  });

  it('keeps only the fields the snapshot needs from /info', async () => {
    const { poller, target, seen } = setup();
    await poller.poll(target);
    expect(JSON.stringify(seen[0]!.info)).not.toContain('unrelated');
    expect(poller.slowData('m')).toMatchObject({ settings: { miner: { overclock: { preset: '3200' } } } });
  });

  it('shares one kept /perf-summary between miners on the same preset', async () => {
    const { poller, target, seen } = setup();
    await poller.poll(target);
    await poller.poll({ ...target, id: 'n', address: '127.0.0.3' });
    expect(seen[0]!.perfSummary).toEqual({ current_preset: { name: '3200' } });
    expect(seen[1]!.perfSummary).toBe(seen[0]!.perfSummary);
  });

  it('fails the poll with BadResponse when a slow body has a field of the wrong type', async () => {
    const { poller, target } = setup({ badModel: true });
    await expect(poller.poll(target)).rejects.toMatchObject({ code: 'BadResponse' });
  });

  it('polls a miner whose password is refused and reports it as a warning', async () => {
    const { poller, target } = setup({
      settingsError: new HashwatchError('AuthFailed', 'wrong password for 127.0.0.2'),
    });
    const s = await poller.poll(target);
    expect(s.hashrateThs).toBe(100);
    expect(poller.warning?.('m')).toMatchObject({ code: 'AuthFailed' });
  });
});
