/**
 * Load generator child of sim-capacity.ts: keep-alive undici clients hammering `/summary`.
 *
 * Runs in its own process so the figure measures the simulator, not a client sharing its CPU.
 * Input: a JSON file (argv[2]) `{addresses, durationS, concurrency, origins}`; output: one JSON line.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

interface Job {
  addresses: string[];
  /** Ask every miner once before the load phase. */
  sweep?: boolean;
  durationS: number;
  concurrency: number;
  origins: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Job;
  // Phase 1: every miner answers once (fresh connections, closed after each answer).
  const once = new Agent({ connections: 1, pipelining: 0 });
  let served = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.sweep === false ? 0 : 64 }, async () => {
      for (let i = next++; i < job.addresses.length; i = next++) {
        try {
          const r = await request(`http://${job.addresses[i]}/api/v1/summary`, {
            dispatcher: once,
            reset: true,
          });
          const body = (await r.body.json()) as { miner?: unknown };
          if (r.statusCode === 200 && body.miner) served++;
        } catch {
          // counted as not served
        }
      }
    }),
  );
  const sweepS = (performance.now() - t0) / 1000;
  await once.close();

  // Phase 2: keep-alive clients, round-robin over `origins` miners, for `durationS`.
  const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
  const origins = job.addresses.slice(0, Math.min(job.origins, job.addresses.length));
  let ok = 0;
  let errors = 0;
  let rr = 0;
  const latencies: number[] = [];
  const end = performance.now() + job.durationS * 1000;
  if (job.durationS <= 0) origins.length = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: origins.length > 0 ? job.concurrency : 0 }, async () => {
      while (performance.now() < end) {
        const addr = origins[rr++ % origins.length] as string;
        const s = performance.now();
        try {
          const r = await request(`http://${addr}/api/v1/summary`, { dispatcher: agent });
          await r.body.arrayBuffer();
          if (r.statusCode === 200) ok++;
          else errors++;
          if (latencies.length < 200_000) latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - t1) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    Math.round((latencies[Math.floor((latencies.length - 1) * p)] ?? 0) * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      served,
      total: job.addresses.length,
      sweepS,
      ok,
      errors,
      elapsedS,
      rps: ok / elapsedS,
      p50ms: pct(0.5),
      p99ms: pct(0.99),
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(String(e) + '\n');
  process.exitCode = 1;
});
