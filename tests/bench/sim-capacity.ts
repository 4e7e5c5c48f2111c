/**
 * Benchmark: how many simulated miners one process serves, and `/summary` answers per second.
 *
 *   npx tsx tests/bench/sim-capacity.ts [--miners 5000] [--duration 10] [--concurrency 64]
 *                                       [--origins 1000] [--cgminer | --no-cgminer]
 *
 * Starts a farm in this process, then spawns a separate load generator (sim-loadgen.ts) that first asks
 * every miner once, then hammers `/summary` over keep-alive connections. Prints figures, asserts nothing.
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
const jobFile = join(dir, 'job.json');
writeFileSync(
  jobFile,
  JSON.stringify({ addresses: farm.miners.map((m) => m.address), durationS, concurrency, origins }),
);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('./sim-loadgen.ts', import.meta.url)), jobFile],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let out = '';
child.stdout.on('data', (d: Buffer) => (out += d.toString()));
let peakRss = rssStart;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });
if (code !== 0) {
  console.error(`load generator failed (exit ${code})`);
} else {
  const r = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
  console.log(
    `served: ${r.served} of ${r.total} miners answered /summary (sweep ${Number(r.sweepS).toFixed(1)} s)`,
  );
  console.log(
    `/summary over keep-alive: ${Math.round(Number(r.rps))} responses/s (${r.ok} ok, ${r.errors} errors in ${Number(r.elapsedS).toFixed(1)} s, ${concurrency} in flight over ${Math.min(origins, miners)} miners), p50 ${r.p50ms} ms, p99 ${r.p99ms} ms`,
  );
}
console.log(`RSS: ${mb(process.memoryUsage().rss)} MB now, peak ${mb(peakRss)} MB`);
await farm.close();
