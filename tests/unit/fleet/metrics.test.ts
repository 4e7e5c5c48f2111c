import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../electron/core/host/metrics.js';
import type { MinerRecord } from '../../../shared/miner.js';
import { makeRecord } from './fixtures.js';

const line = (text: string, name: string, labels: Record<string, string>) =>
  text
    .split('\n')
    .find(
      (l) => l.startsWith(name + '{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );

describe('Prometheus metrics', () => {
  it('exports live miners with their figures and fleet totals in the text format', async () => {
    const records: MinerRecord[] = [
      makeRecord({ id: 'aa', address: '127.0.0.2' }, { hashrateThs: 101.5, powerW: 3000 }),
      makeRecord({ id: 'bb', address: '127.0.0.3' }, { hashrateThs: 98.5, powerW: 3100 }),
      makeRecord({ id: 'cc', address: '127.0.0.4', freshness: 'offline' }, { hashrateThs: 100 }),
    ];
    const metrics = createMetrics({ inventory: { list: () => records } });
    const text = await metrics.render();
    expect(metrics.contentType).toContain('text/plain');
    expect(text).toContain('# TYPE hashwatch_miner_hashrate_ths gauge');
    expect(
      line(text, 'hashwatch_miner_hashrate_ths', {
        id: 'aa',
        address: '127.0.0.2',
        model: 'Antminer S19j Pro',
      }),
    ).toMatch(/ 101\.5$/);
    expect(line(text, 'hashwatch_miner_power_watts', { id: 'bb' })).toMatch(/ 3100$/);
    expect(line(text, 'hashwatch_miner_fan_rpm', { id: 'aa', fan: '0' })).toMatch(/ 5400$/);
    expect(line(text, 'hashwatch_miner_state', { id: 'aa', state: 'mining' })).toMatch(/ 1$/);
    expect(line(text, 'hashwatch_miner_pool_accepted_shares', { id: 'aa' })).toMatch(/ 1000$/);
    // The offline miner: up 0 and state offline, but never its old hashrate.
    expect(line(text, 'hashwatch_miner_up', { id: 'cc' })).toMatch(/ 0$/);
    expect(line(text, 'hashwatch_miner_state', { id: 'cc', state: 'offline' })).toMatch(/ 1$/);
    expect(line(text, 'hashwatch_miner_hashrate_ths', { id: 'cc' })).toBeUndefined();
    expect(text).toMatch(/^hashwatch_fleet_hashrate_ths 200$/m);
    expect(text).toMatch(/^hashwatch_fleet_power_watts 6100$/m);
    expect(text).toMatch(/^hashwatch_fleet_miners\{status="offline"\} 1$/m);
  });

  it("exports the poller's lag, polls in flight and polls by result", async () => {
    let figures = { lagMs: 250, inFlight: 7, succeeded: 120, failed: 3 };
    const metrics = createMetrics({ inventory: { list: () => [] }, poller: () => figures });
    let text = await metrics.render();
    expect(text).toMatch(/^hashwatch_poller_lag_seconds 0\.25$/m);
    expect(text).toMatch(/^hashwatch_poller_in_flight 7$/m);
    expect(text).toMatch(/^hashwatch_polls_total\{result="ok"\} 120$/m);
    expect(text).toMatch(/^hashwatch_polls_total\{result="failed"\} 3$/m);
    figures = { lagMs: 0, inFlight: 0, succeeded: 200, failed: 3 };
    text = await metrics.render();
    expect(text).toMatch(/^hashwatch_polls_total\{result="ok"\} 200$/m);
    expect(text).toMatch(/^hashwatch_poller_lag_seconds 0$/m);
  });

  it('reflects the inventory at each scrape and uses its own registry', async () => {
    let records: MinerRecord[] = [makeRecord({ id: 'aa' })];
    const a = createMetrics({ inventory: { list: () => records } });
    const b = createMetrics({ inventory: { list: () => [] } });
    expect(await a.render()).toContain('id="aa"');
    expect(await b.render()).not.toContain('id="aa"');
    records = [makeRecord({ id: 'zz' })];
    const text = await a.render();
    expect(text).toContain('id="zz"');
    expect(text).not.toContain('id="aa"');
  });
});
