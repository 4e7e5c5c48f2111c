/**
 * Runs inside a private network namespace (see netns.test.ts): a simulated farm on 127.0.1.x:80/4028
 * advertising over mDNS, then (1) a CIDR scan of 127.0.1.0/24 and (2) an mDNS-only discovery.
 * Prints one JSON line with what each found; the test compares it with the farm.
 */
import { createMdnsBrowse } from '../../../electron/core/discovery/mdns.js';
import { runScan } from '../../../electron/core/discovery/scan.js';
import { parseTargets } from '../../../electron/core/discovery/targets.js';
import { factoryOnlyProvider } from '../../../electron/core/credentials/provider.js';
import { createVnishClient } from '../../../electron/core/vnish/index.js';
import { startFarm } from '../../../electron/sim/index.js';

async function main(): Promise<void> {
  const count = Number(process.env.MINERS ?? '6');
  const farm = await startFarm({ miners: count, seed: 11, bind: 'ips', mdns: true, speed: 0 });
  const client = createVnishClient({ credentials: factoryOnlyProvider(true) });
  try {
    const brief = (m: { address: string; mac: string | null; managed: boolean; sources: string[] }) => ({
      address: m.address,
      mac: m.mac,
      managed: m.managed,
      sources: m.sources,
    });
    const scan = await runScan({ client }, { targets: parseTargets(['127.0.1.0/24']) });
    const mdns = await runScan(
      { client, mdns: createMdnsBrowse() },
      { targets: parseTargets([]), mdns: { durationMs: 3000 } },
    );
    // Both at once: one entry per miner, seen by both sources.
    const both = await runScan(
      { client, mdns: createMdnsBrowse() },
      { targets: parseTargets(['127.0.1.0/24']), mdns: { durationMs: 3000 } },
    );
    process.stdout.write(
      `${JSON.stringify({
        farm: farm.miners.map((m) => ({ address: m.address, mac: m.mac })),
        scan: scan.miners.map(brief),
        mdns: mdns.miners.map(brief),
        mdnsSummary: mdns.summary,
        both: both.miners.map(brief),
      })}\n`,
    );
  } finally {
    await client.close();
    await farm.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
