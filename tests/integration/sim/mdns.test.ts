/**
 * Optional mDNS advertisement, checked inside a private network namespace (`unshare -rn`) so no
 * multicast leaves this machine's loopback. Skipped where user namespaces are not allowed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const canUnshare = spawnSync('unshare', ['-rn', 'true']).status === 0;

const script = `
Promise.all([import('bonjour-service'), import('./electron/sim/index.ts')]).then(async ([{ Bonjour }, sim]) => {
  const farm = await sim.startFarm({ miners: 3, mdns: true, speed: 0, seed: 4 });
  const b = new Bonjour({}, () => undefined);
  const found = [];
  b.find({ type: 'http' }, (s) => found.push({ txt: s.txt, port: s.port }));
  await new Promise((r) => setTimeout(r, 2500));
  process.stdout.write(JSON.stringify({ found, miners: farm.miners }) + '\\n');
  b.destroy();
  await farm.close();
  process.exit(0);
});
`;

describe.runIf(canUnshare)('mDNS advertisement (private network namespace)', () => {
  it('publishes every miner with its address, ports and MAC in the TXT record', () => {
    const r = spawnSync(
      'unshare',
      [
        '-rn',
        'sh',
        '-c',
        `ip link set lo up && ip route add 224.0.0.0/4 dev lo && exec "${process.execPath}" --import tsx -e "$0"`,
        script,
      ],
      { cwd: root, encoding: 'utf8', timeout: 40_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      found: { txt: Record<string, string>; port: number }[];
      miners: { host: string; httpPort: number; cgminerPort: number; mac: string }[];
    };
    for (const m of out.miners) {
      const s = out.found.find((f) => f.txt.mac === m.mac);
      expect(s, m.mac).toBeDefined();
      expect(s!.txt).toMatchObject({
        ip: m.host,
        port: String(m.httpPort),
        cgminer: String(m.cgminerPort),
        fw: 'vnish',
      });
      expect(s!.port).toBe(m.httpPort);
    }
  });
});
