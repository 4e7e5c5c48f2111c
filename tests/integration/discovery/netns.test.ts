/**
 * mDNS discovery and a real-port CIDR scan inside a private network namespace (`unshare -rn`), so
 * multicast and the 127.0.1.0/24 sweep never leave this test. Skipped, saying why, when unshare is
 * unavailable.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const runner = path.join(import.meta.dirname, 'netns-run.ts');

function unshareWorks(): boolean {
  const r = spawnSync('unshare', ['-rn', 'true'], { encoding: 'utf8' });
  return r.status === 0;
}

const available = unshareWorks();
if (!available) console.warn('SKIPPED: netns discovery tests need `unshare -rn` (user + network namespaces)');

interface Brief {
  address: string;
  mac: string | null;
  managed: boolean;
  sources: string[];
}

describe.skipIf(!available)('discovery in a network namespace', () => {
  it('finds every miner by CIDR scan, by mDNS alone, and merges both by MAC', () => {
    const setup = 'ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo';
    const r = spawnSync('unshare', ['-rn', 'sh', '-c', `${setup}; exec node --import tsx "${runner}"`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 50_000,
      env: { ...process.env, MINERS: '6' },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      farm: Array<{ address: string; mac: string }>;
      scan: Brief[];
      mdns: Brief[];
      mdnsSummary: { mdnsCandidates: number; vnish: number };
      both: Brief[];
    };
    const expected = out.farm
      .map((m) => ({ address: m.address, mac: m.mac }))
      .sort((a, b) => a.address.localeCompare(b.address));
    const pick = (list: Brief[]) =>
      list
        .map((m) => ({ address: m.address, mac: m.mac }))
        .sort((a, b) => a.address.localeCompare(b.address));
    expect(out.farm).toHaveLength(6);
    expect(pick(out.scan)).toEqual(expected);
    expect(out.scan.every((m) => m.managed && m.sources.join() === 'scan')).toBe(true);
    // mDNS alone: addresses come from the TXT record (no A records on lo).
    expect(pick(out.mdns)).toEqual(expected);
    expect(out.mdns.every((m) => m.managed && m.sources.join() === 'mdns')).toBe(true);
    expect(out.mdnsSummary.mdnsCandidates).toBeGreaterThanOrEqual(6);
    // Both sources: still one entry per miner.
    expect(pick(out.both)).toEqual(expected);
    expect(out.both.every((m) => m.sources.join() === 'mdns,scan')).toBe(true);
  });
});
