import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import type { MdnsBrowse } from '../../../electron/core/discovery/mdns.js';
import type { ProbeOutcome } from '../../../electron/core/discovery/probe.js';
import {
  runScan,
  type DiscoveryClient,
  type ScanProgressUpdate,
} from '../../../electron/core/discovery/scan.js';
import { stubSnapshot } from '../../../electron/core/discovery/snapshot-stub.js';
import { parseTargets } from '../../../electron/core/discovery/targets.js';

/** A pretend network: which host:port accepts, refuses or stays silent. No packet leaves the test. */
function network(open: Record<string, ProbeOutcome>) {
  const calls: string[] = [];
  const connect = async (host: string, port: number): Promise<ProbeOutcome> => {
    calls.push(`${host}:${port}`);
    return open[`${host}:${port}`] ?? open[host] ?? 'timeout';
  };
  return { connect, calls };
}

const vnishInfo = (mac: string) =>
  JSON.stringify({
    fw_name: 'Vnish',
    fw_version: '1.2.7',
    model: 's19jpro',
    system: { network_status: { mac } },
  });

function client(miners: Record<string, { mac: string; fail?: boolean }>, other: Record<string, number> = {}) {
  const snapshots: string[] = [];
  const c: DiscoveryClient = {
    probeHttp: async (address, path) => {
      const m = miners[address];
      if (m && path === '/api/v1/info')
        return { status: 200, contentType: 'application/json', body: vnishInfo(m.mac) };
      if (other[address]) return { status: other[address]!, contentType: 'text/html', body: '' };
      return { status: 404, contentType: 'text/plain', body: 'not found' };
    },
    cgminer: async () => null,
    snapshot: async (address, opts): Promise<MinerSnapshot> => {
      snapshots.push(address);
      const m = miners[address];
      if (!m || m.fail) throw new HashwatchError('AuthFailed', `wrong password for ${address}`);
      return {
        ...stubSnapshot({
          address,
          mac: opts?.mac ?? null,
          state: 'mining',
          polledAt: '2026-01-01T00:00:00.000Z',
        }),
        hashrateThs: 100,
      };
    },
  };
  return { client: c, snapshots };
}

describe('runScan', () => {
  it('finds vnish and other miners, reads vnish snapshots, counts the summary', async () => {
    const net = network({
      '10.0.0.1:80': 'open',
      '10.0.0.1:4028': 'closed',
      '10.0.0.2:80': 'open',
      '10.0.0.2:4028': 'closed',
      '10.0.0.3': 'closed',
      '10.0.0.5:80': 'open',
      '10.0.0.5:4028': 'closed',
    });
    const { client: c } = client(
      { '10.0.0.1': { mac: '02:00:00:00:00:01' }, '10.0.0.5': { mac: '02:00:00:00:00:05', fail: true } },
      { '10.0.0.2': 401 },
    );
    const out = await runScan({ client: c, connect: net.connect }, { targets: parseTargets(['10.0.0.1-5']) });
    expect(out.miners.map((m) => [m.address, m.kind, m.managed])).toEqual([
      ['10.0.0.1', 'vnish', true],
      ['10.0.0.2', 'antminer', false],
      ['10.0.0.5', 'vnish', true],
    ]);
    const first = out.miners[0]!;
    expect(first.managed && first.snapshot?.hashrateThs).toBe(100);
    expect(first.mac).toBe('02:00:00:00:00:01');
    const failed = out.miners[2]!;
    expect(failed.managed && failed.snapshot).toBeNull();
    expect(failed.managed && failed.error?.code).toBe('AuthFailed');
    expect(out.summary).toMatchObject({
      total: 5,
      probed: 5,
      responsive: 3,
      vnish: 2,
      other: 1,
      cancelled: false,
    });
    // Both ports of every host were probed, whatever the first answered.
    expect(net.calls.filter((x) => x.startsWith('10.0.0.4'))).toEqual(['10.0.0.4:80', '10.0.0.4:4028']);
  });

  it('merges mDNS with the scan by MAC, and reports a known MAC at a new address as moved', async () => {
    const net = network({
      '10.0.0.1:80': 'open',
      '10.0.0.7:80': 'open',
      '10.0.0.1:8080': 'open',
      '10.0.0.1:4028': 'closed',
      '10.0.0.7:4028': 'closed',
    });
    const { client: c } = client({
      '10.0.0.1': { mac: '02:00:00:00:00:01' },
      '10.0.0.1:8080': { mac: '02:00:00:00:00:01' },
      '10.0.0.7': { mac: '02:00:00:00:00:07' },
    });
    const mdns: MdnsBrowse = async ({ onCandidate }) => {
      // The same miner advertised on another port, and the scanned address advertised again.
      onCandidate({
        host: '10.0.0.1',
        port: 8080,
        cgminerPort: null,
        name: 'a',
        type: 'http',
        mac: '02:00:00:00:00:01',
      });
      onCandidate({ host: '10.0.0.7', port: 80, cgminerPort: 4028, name: 'b', type: 'http', mac: null });
    };
    const out = await runScan(
      { client: c, connect: net.connect, mdns },
      {
        targets: parseTargets(['10.0.0.1', '10.0.0.7']),
        mdns: true,
        known: [
          { mac: '02:00:00:00:00:07', address: '10.0.0.99' },
          { mac: '02:00:00:00:00:01', address: '10.0.0.1' },
        ],
      },
    );
    expect(out.miners).toHaveLength(2);
    const [one, seven] = out.miners;
    expect(one).toMatchObject({ address: '10.0.0.1', mac: '02:00:00:00:00:01', previousAddress: null });
    expect(one!.sources).toEqual(['mdns', 'scan']);
    expect(seven).toMatchObject({ address: '10.0.0.7', previousAddress: '10.0.0.99' });
    expect(seven!.sources).toEqual(['mdns', 'scan']);
    expect(out.summary).toMatchObject({ vnish: 2, moved: 1, mdnsCandidates: 2, total: 4 });
  });

  it('throttles progress to a few events per second however many addresses, and ends with done', async () => {
    // A clock that advances 1 ms per probe: 32,764 probes take 32.8 "seconds".
    let nowMs = 0;
    const net = network({});
    const tick = async (host: string, port: number) => {
      nowMs += 1;
      return net.connect(host, port);
    };
    const events: ScanProgressUpdate[] = [];
    const out = await runScan(
      { client: client({}).client, connect: tick, clock: { now: () => nowMs } },
      { targets: parseTargets(['10.1.0.0/18']), onProgress: (p) => events.push(p), progressIntervalMs: 250 },
    );
    expect(out.summary.probed).toBe(16382);
    expect(events.at(-1)).toEqual({ probed: 16382, total: 16382, found: 0, done: true });
    expect(events.filter((e) => e.done)).toHaveLength(1);
    // At most one event per 250 ms of scan time (plus the final one), not one per address.
    expect(events.length).toBeGreaterThan(10);
    expect(events.length).toBeLessThanOrEqual(Math.ceil(nowMs / 250) + 1);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.probed).toBeGreaterThanOrEqual(events[i - 1]!.probed);
  });

  it('stops promptly when cancelled and says so in the summary', async () => {
    const controller = new AbortController();
    let started = 0;
    const hang = (_host: string, _port: number) =>
      new Promise<ProbeOutcome>((resolve) => {
        if (++started === 100) controller.abort();
        setTimeout(() => resolve('timeout'), 60_000).unref();
      });
    const out = await runScan(
      { client: client({}).client, connect: hang },
      { targets: parseTargets(['10.2.0.0/16']), concurrency: 100, signal: controller.signal },
    );
    expect(out.summary.cancelled).toBe(true);
    expect(out.summary.probed).toBe(0);
    expect(started).toBe(100);
  });
});
