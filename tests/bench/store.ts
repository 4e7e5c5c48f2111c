/**
 * Store benchmark: writeCycle throughput, database growth per miner-day, history query latency.
 *
 * Run: npx tsx tests/bench/store.ts [--quick]
 * Prints figures only (no pass/fail): the machine is shared and timings are noisy. Everything runs against
 * temp files (WAL, synchronous=NORMAL, as in the app); nothing touches the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore, type PollResult } from '../../electron/core/store/index.js';
import { macOf, manualClock, okResult, offlineResult, valuesAt } from '../fixtures/store/snapshots.js';

const quick = process.argv.includes('--quick');
const dir = mkdtempSync(join(tmpdir(), 'hashwatch-bench-store-'));
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const fmt = (n: number, d = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** Results of one cycle; the snapshots are built outside the timed section (the poller builds them anyway). */
function cycle(miners: number, at: number, chains = 3): PollResult[] {
  const out: PollResult[] = new Array(miners);
  for (let i = 0; i < miners; i++)
    out[i] = i % 97 === 96 ? offlineResult(i, at) : okResult(i, at, valuesAt(i, at), chains);
  return out;
}

function throughput(miners: number, cycles: number, chains = 3) {
  const path = join(dir, `tp-${miners}-${chains}.db`);
  const clock = manualClock(T0);
  const store = openStore({ path, clock });
  const interval = 5_000;
  const times: number[] = [];
  let cpuUs = 0;
  const maintainMs: number[] = [];
  for (let k = -2; k < cycles; k++) {
    const at = T0 + (k + 2) * interval;
    const results = cycle(miners, at, chains);
    clock.set(at);
    const c = process.cpuUsage();
    const t = performance.now();
    store.writeCycle(results);
    const dt = performance.now() - t;
    const dc = process.cpuUsage(c);
    if (k >= 0) {
      times.push(dt);
      cpuUs += dc.user + dc.system;
    }
    // The poller would call maintain every few seconds; time it separately.
    const m = performance.now();
    store.maintain({ maxRows: 10_000 });
    if (k >= 0) maintainMs.push(performance.now() - m);
  }
  const total = times.reduce((a, b) => a + b, 0);
  const rows = miners * cycles;
  console.log(
    `writeCycle ${fmt(miners, 0)} miners x ${chains} chains, ${cycles} cycles at 5 s: ` +
      `CPU ${fmt(cpuUs / rows, 2)} us (wall ${fmt((total / rows) * 1000, 2)} us) per miner row incl. its ${chains} chains (packed in the row), ` +
      `${fmt(rows / (total / 1000), 0)} miner rows/s; ` +
      `cycle p50 ${fmt(pct(times, 0.5))} ms, max ${fmt(Math.max(...times))} ms; ` +
      `maintain(10k rows) p50 ${fmt(pct(maintainMs, 0.5))} ms, max ${fmt(Math.max(...maintainMs))} ms`,
  );
  return { store, path };
}

function growth(miners: number, hours: number) {
  const path = join(dir, 'growth.db');
  const clock = manualClock(T0);
  const store = openStore({ path, clock });
  const interval = 10_000;
  let rollupCpuUs = 0;
  const t = performance.now();
  for (let at = T0; at < T0 + hours * 3_600_000; at += interval) {
    clock.set(at);
    store.writeCycle(cycle(miners, at));
    if (at % 60_000 === 0) {
      const c = process.cpuUsage();
      store.maintain({ maxRows: 20_000 });
      const d = process.cpuUsage(c);
      rollupCpuUs += d.user + d.system;
    }
  }
  const polls = miners * ((hours * 3_600_000) / interval);
  clock.set(T0 + hours * 3_600_000 + 60_000);
  while (store.maintain({ maxRows: 50_000 }).more);
  const elapsed = performance.now() - t;
  store.close();

  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const tables = db
    .prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC`)
    .all() as Array<{ name: string; bytes: number }>;
  const bytesOf = (...names: string[]) =>
    tables.filter((r) => names.includes(r.name)).reduce((a, r) => a + r.bytes, 0);
  const total = tables.reduce((a, r) => a + r.bytes, 0);
  db.close();
  const days = hours / 24;
  const perMinerDay = (b: number) => b / miners / days;
  const raw = perMinerDay(bytesOf('telemetry'));
  // Chains are packed in their telemetry row (schema v3); chain_telemetry only holds v2 rows.
  const chains = perMinerDay(bytesOf('chain_telemetry'));
  const m1 = perMinerDay(bytesOf('rollup_1m'));
  const m15 = perMinerDay(bytesOf('rollup_15m'));
  const fleetPerDay = bytesOf('fleet_telemetry', 'fleet_rollup_1m', 'fleet_rollup_15m') / days;
  console.log(
    `growth: ${miners} miners x ${hours} h at 10 s (${fmt(elapsed / 1000)} s to simulate): ` +
      `${fmt(perMinerDay(total) / 1024, 1)} KiB per miner-day in total; ` +
      `raw incl. packed chains ${fmt(raw / 1024, 1)} KiB + v2 chain rows ${fmt(chains / 1024, 1)} KiB + 1m ${fmt(m1 / 1024, 1)} KiB + 15m ${fmt(m15 / 1024, 2)} KiB; ` +
      `fleet series ${fmt(fleetPerDay / 1024, 1)} KiB per day`,
  );
  const steady = (n: number) => n * ((raw + chains) * 2 + m1 * 30 + m15 * 730);
  console.log(
    `steady state with default retention (raw 48 h, 1m 30 d, 15m 730 d): ` +
      `${fmt(steady(1) / 1024 / 1024, 2)} MiB per miner; 1,000 miners ${fmt(steady(1000) / 1024 ** 3, 2)} GiB; ` +
      `10,000 miners ${fmt(steady(10_000) / 1024 ** 3, 1)} GiB (at 10 s polls)`,
  );
  // Pruning cost: a copy of the day's database with raw retention cut to a quarter of the day.
  const prunePath = join(dir, 'prune.db');
  const copy = new Database(path);
  copy.exec(`VACUUM INTO '${prunePath}'`);
  copy.close();
  const pruner = openStore({ path: prunePath, clock, retention: { rawHours: hours / 4 } });
  let pruned = 0;
  const c = process.cpuUsage();
  for (;;) {
    const r = pruner.maintain({ maxRows: 10_000 });
    pruned += r.pruned;
    if (!r.more) break;
  }
  const d = process.cpuUsage(c);
  pruner.close();
  const pruneUsPerRow = (d.user + d.system) / pruned;
  const rollupUsPerPoll = rollupCpuUs / polls;
  console.log(
    `maintenance CPU: rollups ${fmt(rollupUsPerPoll, 2)} us per miner-poll; pruning ${fmt(pruneUsPerRow, 2)} us per row ` +
      `(${fmt(pruned, 0)} rows); steady state ~${fmt(rollupUsPerPoll + pruneUsPerRow, 2)} us per miner-poll ` +
      `= ${fmt(((rollupUsPerPoll + pruneUsPerRow) * 2000) / 1000, 1)} ms CPU per second at 10,000 miners every 5 s`,
  );
  return path;
}

function latency(
  path: string,
  label: string,
  minerIds: string[],
  ranges: Array<[string, number, number, string?]>,
) {
  const store = openStore({ path, clock: manualClock(ranges[0]![2]) });
  for (const [name, from, to, res] of ranges) {
    const times: number[] = [];
    let cpuUs = 0;
    let points = 0;
    for (let k = 0; k < 30; k++) {
      const minerId = minerIds.length ? minerIds[k % minerIds.length] : undefined;
      const c = process.cpuUsage();
      const t = performance.now();
      const h = store.history({
        minerId,
        from,
        to,
        resolution: (res as 'raw' | '1m' | '15m' | undefined) ?? 'auto',
      });
      times.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpuUs += d.user + d.system;
      points = h.points.length;
    }
    console.log(
      `history ${label} ${name}: CPU ${fmt(cpuUs / 30 / 1000, 2)} ms per query; wall p50 ${fmt(pct(times, 0.5), 2)} ms, ` +
        `p95 ${fmt(pct(times, 0.95), 2)} ms (${points} points)`,
    );
  }
  store.close();
}

try {
  console.log(
    `store benchmark${quick ? ' (quick)' : ''}: node ${process.version}, ${new Date().toISOString()}, ` +
      `${availableParallelism()} cpus, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const small = throughput(1_000, quick ? 10 : 40);
  small.store.close();
  throughput(10_000, quick ? 4 : 12, 0).store.close();
  const big = throughput(10_000, quick ? 4 : 12);
  const bigEnd = T0 + (quick ? 6 : 14) * 5_000;
  big.store.close();
  latency(
    big.path,
    '10k-miner db',
    [macOf(17), macOf(4242), macOf(9001)],
    [
      ['per miner raw (whole range)', T0, bigEnd, 'raw'],
      ['fleet-wide raw', T0, bigEnd, 'raw'],
    ],
  );
  const hours = quick ? 3 : 24;
  const gpath = growth(quick ? 50 : 200, hours);
  const end = T0 + hours * 3_600_000;
  latency(
    gpath,
    `${quick ? 50 : 200}-miner day db`,
    [macOf(3), macOf(42)],
    [
      ['per miner 3 h (auto: raw)', end - 3 * 3_600_000, end],
      ['per miner 24 h (auto: 1m)', end - 24 * 3_600_000, end],
      ['per miner 24 h at 15m', end - 24 * 3_600_000, end, '15m'],
    ],
  );
  latency(
    gpath,
    `${quick ? 50 : 200}-miner day db`,
    [],
    [
      ['fleet-wide 3 h (auto: raw)', end - 3 * 3_600_000, end],
      ['fleet-wide 24 h (auto: 1m)', end - 24 * 3_600_000, end],
      ['fleet-wide 24 h at 15m', end - 24 * 3_600_000, end, '15m'],
    ],
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
