/**
 * Benchmark: how many simulated miners one process serves, and `/summary` answers per second.
 *
 *   npx tsx tests/bench/sim-capacity.ts [--miners 5000] [--duration 10] [--concurrency 64]
 *                                       [--origins 1000] [--clients 1] [--cgminer | --no-cgminer]
 *
 * Starts a farm in this process, then spawns a separate load generator (sim-loadgen.ts) that first asks
 * every miner once, then hammers `/summary` over keep-alive connections (`--clients N` spawns N
 * generators, each on its own share of the miners; the first also does the sweep). Prints figures,
 * asserts nothing.
 * cgminer listeners default to on up to 9,000 miners (two sockets per miner; `ulimit -n` is 20,000 here).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFarm } from '../../electron/sim/index.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const miners = arg('miners', 5000);
const durationS = arg('duration', 10);
const concurrency = arg('concurrency', 64);
const origins = arg('origins', 1000);
const clients = Math.max(1, arg('clients', 1));
const cgminer = process.argv.includes('--cgminer')
  ? true
  : process.argv.includes('--no-cgminer')
    ? false
    : miners <= 9000;
const mb = (b: number): string => (b / 1048576).toFixed(0);

const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const farm = await startFarm({ miners, seed: 1, cgminer, speed: 1 });
const startupS = (performance.now() - t0) / 1000;
global.gc?.();
const rssStart = process.memoryUsage().rss;
console.log(
  `farm: ${farm.miners.length} miners (cgminer ${cgminer ? 'on' : 'off'}) started in ${startupS.toFixed(2)} s; RSS ${mb(rssStart)} MB (process before: ${mb(rss0)} MB)`,
);

const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
const addresses = farm.miners.map((m) => m.address);
const share = Math.ceil(Math.min(origins, miners) / clients);
const loadgen = fileURLToPath(new URL('./sim-loadgen.ts', import.meta.url));
function runChild(name: string, job: object): Promise<Record<string, number> | null> {
  const jobFile = join(dir, `${name}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const child = spawn(process.execPath, ['--import', 'tsx', loadgen, jobFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.on('exit', (c) =>
      resolve(
        c === 0 ? (JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>) : null,
      ),
    ),
  );
}
// First every miner once (sweep), then the keep-alive load from `clients` processes at the same time.
const sweep = await runChild('sweep', { addresses, sweep: true, durationS: 0, concurrency: 1, origins: 1 });
const runs = Array.from({ length: clients }, (_, k) =>
  runChild(`load${k}`, {
    addresses: addresses.slice(k * share, (k + 1) * share),
    sweep: false,
    durationS,
    concurrency,
    origins: share,
  }),
);
let peakRss = rssStart;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
const results = await Promise.all(runs);
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });
if (sweep)
  console.log(
    `served: ${sweep.served} of ${sweep.total} miners answered /summary (sweep ${Number(sweep.sweepS).toFixed(1)} s)`,
  );
if (!sweep || results.some((r) => r === null)) {
  console.error('a load generator failed');
} else {
  const rs = results as Record<string, number>[];
  const r0 = rs[0] as Record<string, number>;
  const ok = rs.reduce((a, r) => a + Number(r.ok), 0);
  const errors = rs.reduce((a, r) => a + Number(r.errors), 0);
  const rps = rs.reduce((a, r) => a + Number(r.rps), 0);
  console.log(
    `/summary over keep-alive: ${Math.round(rps)} responses/s (${ok} ok, ${errors} errors, ${clients} client process(es) x ${concurrency} in flight over ${Math.min(origins, miners)} miners, ${durationS} s), p50 ${r0.p50ms} ms, p99 ${r0.p99ms} ms`,
  );
}
console.log(`RSS: ${mb(process.memoryUsage().rss)} MB now, peak ${mb(peakRss)} MB`);
await farm.close();
