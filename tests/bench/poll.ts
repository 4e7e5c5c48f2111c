/**
 * Poll benchmark: the fleet poller against simulated farms of 1,000, 5,000 and 10,000 miners.
 *
 * The simulator runs in child processes (shards of at most 5,000 miners, so each stays within the
 * 20,000 file descriptors of this machine with its listening and keep-alive sockets), so the figures
 * below are the poller's own: polls per second sustained, CPU microseconds per miner-poll (HTTP,
 * parse, normalise, store, alerts, inventory), event-loop delay p99, RSS and database growth per
 * miner-day. It prints figures and asserts nothing.
 *
 *   npm run bench:poll -- [--sizes 1000,5000,10000]        (bundled, as the core ships)
 *   node --max-old-space-size=1024 --max-semi-space-size=8 --import tsx tests/bench/poll.ts [--sizes 1000,5000,10000]
 *     [--seconds 30] [--interval 5] [--warmup 120] [--concurrency 256] [--keepalive ms]
 *     [--sim-nice 0-19] [--profile] [--survivors | --allocs] [--heap] [--smaps] [--timeline] [--rss-trace]
 *
 * The heap is set up as the product's is (core/heap.ts, README "Memory"): the launch flags above, as
 * `npm run serve` and `npm start` give them, and the run-time ones set by `tuneHeap()`. The window
 * starts once the schedule is kept (no poll over 100 ms late), so it measures the steady state, not
 * the catch-up after the first slow polls. The machine is shared: the load average during each window
 * is printed next to the figures. Diagnostics: --profile (CPU profile of the window), --survivors /
 * --allocs (allocation sites of what outlives a scavenge / of everything), --heap (heap snapshot),
 * --smaps (RSS by mapping), --rss-trace (the heap at each new RSS high), --timeline (the longest
 * stall: polls in flight, main-thread CPU, GC and store work around it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { constants, createHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import { createFleet } from '../../electron/core/fleet/fleet.js';
import { LAUNCH_HEAP_FLAGS, RUNTIME_HEAP_FLAGS, tuneHeap } from '../../electron/core/heap.js';
import { createVnishPoller, type SnapshotInput, type VnishReads } from '../../electron/core/fleet/poller.js';
import { createInventory } from '../../electron/core/fleet/inventory.js';
import { createEventBus } from '../../electron/core/service/events.js';
import { openStore } from '../../electron/core/store/index.js';
import {
  createVnishClient,
  normaliseSnapshot,
  parseBody,
  RawInfoSchema,
  RawModelSchema,
  RawPerfSummarySchema,
  RawSettingsSchema,
  RawSummarySchema,
} from '../../electron/core/vnish/index.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const SIZES = arg('sizes', '1000,5000,10000').split(',').map(Number);
const WINDOW_S = Number(arg('seconds', '30'));
const INTERVAL_S = Number(arg('interval', '5'));
const SHARD = 5000;
const PROFILE = process.argv.includes('--profile');
// --sim-nice N: the simulator's scheduling priority (0-19). The simulated miners stand in for 10,000
// machines of their own, which on a farm take no CPU from the workstation; on a 2-core box they take it
// from the poller whose event-loop delay is being measured. A higher value lets the poller preempt them,
// but a starved simulator answers late and in bursts (its own event-loop delay is printed), which has its
// own cost for the poller; so the default is equal priority.
const SIM_NICE = Number(arg('sim-nice', '0'));
const SURVIVORS = process.argv.includes('--survivors');
/** --allocs: like --survivors, but every allocation (what drives scavenge frequency). */
const ALLOCS = process.argv.includes('--allocs');
/** --concurrency N: polls (and requests) in flight; default the product's (scheduler and client defaults). */
const CONCURRENCY = process.argv.includes('--concurrency') ? Number(arg('concurrency', '256')) : undefined;
const TIMELINE = process.argv.includes('--timeline');
/** --rss-trace: sample RSS every 50 ms and print the heap's make-up at the last highs of the window. */
const RSS_TRACE = process.argv.includes('--rss-trace');
const WARMUP_MAX_S = Number(arg('warmup', '120'));
const CLK_TCK = 100;

/** Counts TCP connects, to show keep-alive at work (a poll should reuse its miner's socket). */
let connects = 0;
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  connects++;
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

interface SimMiner {
  address: string;
  mac: string;
  password: string;
}

interface Shard {
  child: ChildProcess;
  pid: number;
  miners: SimMiner[];
}

// Bundled (npm run bench:poll), the simulator shard is the bundle beside this one; from source, tsx runs it.
const bundled = import.meta.url.endsWith('.js');
const childPath = fileURLToPath(new URL(bundled ? './poll-sim.js' : './poll-sim.ts', import.meta.url));

function request<T>(child: ChildProcess, msg: object, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { type: string; message?: string }) => {
      if (m.type === reply) {
        child.off('message', on);
        resolve(m as T);
      } else if (m.type === 'error') {
        child.off('message', on);
        reject(new Error(m.message));
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function startShard(miners: number, seed: number, cgminer: boolean): Promise<Shard> {
  const child = fork(childPath, [], {
    execArgv: bundled ? [] : ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await request<{ pid: number; miners: SimMiner[] }>(
    child,
    { type: 'start', miners, seed, cgminer },
    'ready',
  );
  if (SIM_NICE !== 0) os.setPriority(ready.pid, SIM_NICE);
  return { child, pid: ready.pid, miners: ready.miners };
}

/** CPU seconds (user + system) of a process from /proc, so a busy child need not answer. */
function procCpuS(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function dbBytes(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (
      Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }))
    );
  } finally {
    db.close();
  }
}

const wallS0 = (w0: number) => (performance.now() - w0) / 1000;

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Top allocation sites (function, file:line) of objects that survived a scavenge, in MB/s. */
function printSurvivors(profile: { head: SamplingNode }, seconds: number) {
  const bySite = new Map<string, number>();
  const walk = (n: SamplingNode, parent: string) => {
    const f = n.callFrame;
    const site = f.url
      ? `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|electron)\//, '$1/')}:${f.lineNumber + 1}`
      : parent;
    if (n.selfSize) bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, site);
  };
  walk(profile.head, '(root)');
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  ${ALLOCS ? 'allocated' : 'survived a scavenge'}: ${fmt(total / 1048576 / seconds, 1)} MB/s; top allocation sites:`,
  );
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`    ${fmt(bytes / 1048576 / seconds, 2).padStart(6)} MB/s  ${site}`);
  }
}

/** Where the poller's RSS lives, by mapping kind (V8 heap pages and malloc both show as anonymous). */
function printSmaps() {
  const text = fs.readFileSync('/proc/self/smaps', 'utf8');
  const by = new Map<string, number>();
  let name = '';
  let size = 0;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (head) {
      const n = head[1]!.trim();
      name =
        n === '' ? 'anonymous' : n.startsWith('/') ? (n.includes('.node') ? 'native addons' : 'files') : n;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      size = Number(rss[1]);
      by.set(name, (by.get(name) ?? 0) + size);
    }
  }
  console.log(
    `  RSS by mapping: ${[...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => `${k} ${fmt(v / 1024)} MB`)
      .join(', ')}`,
  );
  // The V8 part of "anonymous": resident pages per heap space, and how much of them is in use.
  const spaces = v8.getHeapSpaceStatistics().filter((sp) => sp.physical_space_size > 1048576);
  console.log(
    `  V8 heap resident (used) by space: ${spaces
      .map(
        (sp) =>
          `${sp.space_name.replace(/_space$/, '')} ${fmt(sp.physical_space_size / 1048576)} (${fmt(sp.space_used_size / 1048576)})`,
      )
      .join(', ')} MB`,
  );
}

/** A field of /proc/self/status in kB: VmHWM, RssAnon, ... (NaN where /proc has none). */
function statusKb(key: string, status?: string): number {
  try {
    const text = status ?? fs.readFileSync('/proc/self/status', 'utf8');
    return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * CPU time of this process's main thread, ns, exact (schedstat, not clock ticks); null where /proc has
 * no schedstat. About 3 us a read: cheap enough around each store call, not around each poll.
 */
const schedFd = (() => {
  try {
    return fs.openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return null;
  }
})();
const schedBuf = Buffer.alloc(128);
function mainThreadCpuNs(): number | null {
  if (schedFd === null) return null;
  const len = fs.readSync(schedFd, schedBuf, 0, schedBuf.length, 0);
  const ns = Number(schedBuf.toString('latin1', 0, len).split(' ')[0]);
  return Number.isFinite(ns) ? ns : null;
}

/** --timeline: what happened when (ms since the window started). */
const marks: Array<[number, string]> = [];
let markOrigin = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

interface Row {
  miners: number;
  shards: number;
  pollsPerS: number;
  expectedPerS: number;
  failedShare: number;
  cpuUsPerPoll: number;
  pollerCpuPct: number;
  storeMsPerS: number;
  maxFlushMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
  rssMaxMb: number;
  /** The kernel's RSS high-water mark over the window (NaN where it cannot be reset). */
  rssPeakMb: number;
  simCpuPct: number;
  dbBytesPerMinerDay: number;
  warmupS: number;
  normaliseUsPerPoll: number;
  storeUsPerPoll: number;
  /** Main-thread CPU in writeCycle + maintain, plus the WAL checkpointer's time on its worker. */
  storeCpuUsPerPoll: number;
  /** The WAL checkpointer's CPU on its worker (its wall time where the OS gives no thread CPU). */
  checkpointUsPerPoll: number;
  checkpointWallUsPerPoll: number;
  stageUsPerPoll: number;
  stageMainUsPerPoll: number;
}

/**
 * CPU of the poll stages without the network: one miner's real bodies (as text), read through a
 * client stand-in that does what the vnish client does after HTTP (JSON.parse + schema check), then
 * the real poller and normaliser. Cached slow data, as in steady state.
 */
async function stageCost(
  client: ReturnType<typeof createVnishClient>,
  address: string,
): Promise<{ usPerPoll: number; mainUsPerPoll: number; iterations: number }> {
  const text = async (read: Promise<unknown>) => JSON.stringify(await read);
  const bodies = {
    summary: await text(client.summary(address)),
    perf: await text(client.perfSummary(address)),
    info: await text(client.info(address)),
    model: await text(client.model(address)),
    settings: await text(client.settings(address)),
  };
  const read =
    <S extends Parameters<typeof parseBody>[0]>(schema: S, endpoint: string, body: string) =>
    (a: string) =>
      Promise.resolve(parseBody(schema, endpoint, body, a));
  const reads: VnishReads = {
    summary: read(RawSummarySchema, 'summary', bodies.summary),
    perfSummary: read(RawPerfSummarySchema, 'perf-summary', bodies.perf),
    info: read(RawInfoSchema, 'info', bodies.info),
    model: read(RawModelSchema, 'model', bodies.model),
    settings: read(RawSettingsSchema, 'settings', bodies.settings),
  };
  const poller = createVnishPoller({
    client: reads,
    normalise: (p: SnapshotInput) => normaliseSnapshot(p),
    clock: { now: () => Date.now() },
  });
  const target = { id: 'stage', address, mac: null };
  for (let i = 0; i < 2000; i++) await poller.poll(target);
  // Let the collector finish what the fleet's run left it (concurrent marking of a 100 MB heap runs on
  // helper threads and would be counted here), so the figure is the stages' own, GC they cause included.
  await new Promise((r) => setTimeout(r, 3000));
  const iterations = 20_000;
  const c0 = process.cpuUsage();
  const m0 = mainThreadCpuNs();
  for (let i = 0; i < iterations; i++) await poller.poll(target);
  const m1 = mainThreadCpuNs();
  const c = process.cpuUsage(c0);
  return {
    usPerPoll: (c.user + c.system) / iterations,
    mainUsPerPoll: m0 !== null && m1 !== null ? (m1 - m0) / 1000 / iterations : NaN,
    iterations,
  };
}

async function runSize(n: number): Promise<Row> {
  const shardCount = Math.ceil(n / SHARD);
  const cgminer = n < 10_000;
  const shards: Shard[] = [];
  for (let i = 0; i < shardCount; i++) {
    const size = Math.min(SHARD, n - i * SHARD);
    shards.push(await startShard(size, 1000 + i, cgminer));
  }
  const sim = shards.flatMap((s) => s.miners);
  const passwords = new Map(sim.map((m) => [m.address, m.password]));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-bench-poll-'));
  const dbFile = path.join(dir, 'bench.db');
  const clock = { now: () => Date.now() };
  const store = openStore({ path: dbFile, clock });
  const timing = {
    writeMs: 0,
    writeMax: 0,
    maintainMs: 0,
    maintainMax: 0,
    maintainCalls: 0,
    normaliseMs: 0,
    storeCpuMs: 0,
  };
  // Store calls are timed in wall time and in main-thread CPU time: on a loaded machine the wall time
  // also counts the time the thread waited for a core, which is not the store's CPU.
  const timed =
    <A extends unknown[], R>(fn: (...a: A) => R, add: (ms: number) => void) =>
    (...a: A): R => {
      const t = performance.now();
      const c = mainThreadCpuNs();
      try {
        return fn(...a);
      } finally {
        const c1 = mainThreadCpuNs();
        if (c !== null && c1 !== null) timing.storeCpuMs += (c1 - c) / 1e6;
        add(performance.now() - t);
      }
    };
  const realWrite = store.writeCycle.bind(store);
  const realMaintain = store.maintain.bind(store);
  store.writeCycle = timed(realWrite, (ms) => {
    if (TIMELINE && ms > 5) marks.push([performance.now() - ms - markOrigin, `write ${fmt(ms, 1)}`]);
    timing.writeMs += ms;
    timing.writeMax = Math.max(timing.writeMax, ms);
  });
  store.maintain = timed(realMaintain, (ms) => {
    if (TIMELINE && ms > 5) marks.push([performance.now() - ms - markOrigin, `maintain ${fmt(ms, 1)}`]);
    timing.maintainMs += ms;
    timing.maintainCalls++;
    timing.maintainMax = Math.max(timing.maintainMax, ms);
  });
  const client = createVnishClient({
    credentials: {
      passwordFor: async (t) => passwords.get(t.address) ?? null,
      tryFactoryPassword: () => false,
    },
    // Idle sockets must outlive the poll interval, or every poll pays a TCP connect (and a slow
    // cycle then makes every poll slower still).
    keepAliveMs: Number(arg('keepalive', String(Math.max(30_000, 3 * INTERVAL_S * 1000)))),
    // The product's client otherwise (core/index.ts): one keep-alive socket per miner, its cap on
    // requests in flight.
    ...(CONCURRENCY === undefined ? {} : { maxConnections: CONCURRENCY }),
    clock,
  });
  // Round trip of each /summary read as the poller sees it (queueing in this process included).
  const latency = createHistogram();
  let timing0 = false;
  const timedReads: VnishReads = {
    summary: async (a) => {
      const t = performance.now();
      try {
        return await client.summary(a);
      } finally {
        if (timing0) latency.record(Math.max(1, Math.round((performance.now() - t) * 1000)));
      }
    },
    perfSummary: (a) => client.perfSummary(a),
    info: (a) => client.info(a),
    model: (a) => client.model(a),
    settings: (a) => client.settings(a),
  };
  const bus = createEventBus();
  const inventory = createInventory({ bus, clock });
  let ticks = 0;
  bus.on('fleet.tick', () => ticks++);
  const errors: string[] = [];
  const fleet = createFleet({
    clock,
    bus,
    inventory,
    store,
    client: timedReads,
    normalise: (p: SnapshotInput) => {
      const t = performance.now();
      try {
        return normaliseSnapshot(p);
      } finally {
        timing.normaliseMs += performance.now() - t;
      }
    },
    intervalMs: INTERVAL_S * 1000,
    maxConcurrent: CONCURRENCY,
    onError: (where, e) => {
      if (errors.length < 5) errors.push(`${where}: ${String(e)}`);
    },
  });
  fleet.monitor.adopt(sim.map((m) => ({ address: m.address, mac: m.mac })));
  const t0 = Date.now();
  fleet.start();

  // Warm-up: first polls read the slow data and unlock every miner; wait until the fleet is live.
  let lastPrint = Date.now();
  for (;;) {
    await sleep(500);
    const live = fleet.monitor.summary().counts.online;
    if (live >= n || Date.now() - t0 > WARMUP_MAX_S * 1000) break;
    if (Date.now() - lastPrint > 10_000) {
      lastPrint = Date.now();
      const st = fleet.monitor.stats();
      console.log(
        `  warming up: ${fmt(live)} live, ${st.inFlight} in flight, ${fmt(st.succeeded)} polls done`,
      );
    }
  }
  await sleep(INTERVAL_S * 1000);
  // The first polls (slow data, unlock) put the schedule behind; the window measures the steady state,
  // so wait until the poller has caught up: no poll more than 100 ms late for two seconds.
  for (let calm = 0, waited = 0; calm < 4 && waited < WARMUP_MAX_S * 2; waited++) {
    await sleep(500);
    calm = fleet.monitor.stats().lagMs < 100 ? calm + 1 : 0;
  }
  const warmupS = (Date.now() - t0) / 1000;

  const loop = monitorEventLoopDelay({ resolution: 10 });
  const s0 = fleet.monitor.stats();
  const connects0 = connects;
  Object.assign(timing, {
    writeMs: 0,
    writeMax: 0,
    maintainMs: 0,
    maintainMax: 0,
    maintainCalls: 0,
    normaliseMs: 0,
    storeCpuMs: 0,
  });
  for (const sh of shards) await request(sh.child, { type: 'loop' }, 'loop');
  timing0 = true;
  const cpu0 = process.cpuUsage();
  const sim0 = shards.reduce((a, s) => a + procCpuS(s.pid), 0);
  const db0 = dbBytes(dbFile);
  const ck0 = store.checkpointStats();
  const w0 = performance.now();
  markOrigin = w0;
  if (TIMELINE) console.log(`  window start, monotonic clock: ${process.hrtime.bigint() / 1000n} us`);
  loop.enable();
  const session = PROFILE ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  // What outlives a scavenge (and so is copied, then promoted): the allocation sites behind GC cost.
  const heapSession = SURVIVORS || ALLOCS ? new Session() : null;
  if (heapSession) {
    heapSession.connect();
    await heapSession.post('HeapProfiler.enable');
    await heapSession.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMinorGC: ALLOCS,
      includeObjectsCollectedByMajorGC: true,
    });
  }
  // GC pauses in the window: a long major GC shows as event-loop delay that no stage explains.
  const gc = { count: 0, totalMs: 0, maxMs: 0, over20: 0, minorOver20: 0 };
  const gcObs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      if (TIMELINE) marks.push([e.startTime - w0, `GC ${fmt(e.duration, 1)}`]);
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      if (e.duration > 20) gc.over20++;
      // Scavenges (minor GC) cost in proportion to what survives them, not to the heap size.
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (e.duration > 20 && kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minorOver20++;
    }
  });
  gcObs.observe({ entryTypes: ['gc'] });
  // --timeline: every 5 ms, polls in flight and how late the timer fired, to see what a spike is made of.
  const tl: Array<[number, number, number, number, number]> = [];
  marks.length = 0;
  let tlLast = performance.now();
  const tlTimer = TIMELINE
    ? setInterval(() => {
        const t = performance.now();
        const st = fleet.monitor.stats();
        tl.push([
          t - w0,
          st.inFlight,
          t - tlLast - 5,
          st.succeeded + st.failed,
          (mainThreadCpuNs() ?? NaN) / 1e6,
        ]);
        tlLast = t;
      }, 5)
    : null;
  let rssMax = 0;
  // The true peak: the kernel's high-water mark, reset here (Linux: "5" to clear_refs). Sampling from
  // this thread never sees the RSS during a GC pause, when a compacting collection holds the pages it
  // moves out of and their copies at once.
  const hwmReset = (() => {
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5');
      return true;
    } catch {
      return false;
    }
  })();
  const inFlight: number[] = [];
  // --rss-trace: what the heap held at each new RSS high of the window (the last few are printed).
  const rssTrace: string[] = [];
  const mb = (b: number) => (b / 1048576).toFixed(0);
  const rssTimer = setInterval(
    () => {
      const rss = process.memoryUsage().rss;
      if (RSS_TRACE && rss > rssMax) {
        const mu = process.memoryUsage();
        const spaces = v8
          .getHeapSpaceStatistics()
          .filter((x) => x.space_size > 0)
          .map((x) => `${x.space_name.replace('_space', '')} ${mb(x.space_size)} (${mb(x.space_used_size)})`);
        // Anonymous (heaps, malloc), file-backed and shared memory: what kind of page a peak is made of.
        const status = fs.readFileSync('/proc/self/status', 'utf8');
        const kb = (k: string) => statusKb(k, status);
        rssTrace.push(
          `    +${fmt((performance.now() - w0) / 1000, 1)} s: rss ${mb(rss)} MB (anon ${fmt(kb('RssAnon') / 1024)}, file ${fmt(kb('RssFile') / 1024)}, shmem ${fmt(kb('RssShmem') / 1024)}); ${spaces.join(', ')}; external ${mb(mu.external)} (array buffers ${mb(mu.arrayBuffers)}); ${gc.count} GC pauses so far`,
        );
      }
      rssMax = Math.max(rssMax, rss);
      inFlight.push(fleet.monitor.stats().inFlight);
    },
    RSS_TRACE ? 50 : 250,
  );
  await sleep(WINDOW_S * 1000);
  loop.disable();
  gcObs.disconnect();
  clearInterval(rssTimer);
  if (RSS_TRACE)
    console.log(
      `  RSS highs in the window, MB (V8 spaces: resident (used)):\n${rssTrace.slice(-8).join('\n')}`,
    );
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(os.tmpdir(), `hw-poll-${n}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile of the window: ${file}`);
    session.disconnect();
  }
  if (heapSession) {
    const { profile } = await heapSession.post('HeapProfiler.stopSampling');
    printSurvivors(profile, wallS0(w0));
    heapSession.disconnect();
  }
  const wallS = (performance.now() - w0) / 1000;
  const simLoops = await Promise.all(
    shards.map((sh) => request<{ p99Ms: number; maxMs: number }>(sh.child, { type: 'loop' }, 'loop')),
  );
  console.log(
    `  simulator event-loop delay: ${simLoops.map((l) => `p99 ${fmt(l.p99Ms, 1)} ms, max ${fmt(l.maxMs, 1)} ms`).join('; ')}`,
  );
  const load = os.loadavg()[0]!;
  const cpu = process.cpuUsage(cpu0);
  const simCpuS = shards.reduce((a, s) => a + procCpuS(s.pid), 0) - sim0;
  const s1 = fleet.monitor.stats();
  const db1 = dbBytes(dbFile);
  const ck1 = store.checkpointStats();

  const polls = s1.succeeded + s1.failed - (s0.succeeded + s0.failed);
  const failed = s1.failed - s0.failed;
  console.log(
    `  store.writeCycle ${fmt(timing.writeMs / wallS, 1)} ms/s (longest ${fmt(timing.writeMax, 1)} ms); store.maintain ${fmt(timing.maintainMs / wallS, 1)} ms/s (${timing.maintainCalls} slices, longest ${fmt(timing.maintainMax, 1)} ms)`,
  );
  console.log(
    `  GC in the window: ${gc.count} pauses, ${fmt(gc.totalMs, 0)} ms total, longest ${fmt(gc.maxMs, 1)} ms, ${gc.over20} over 20 ms (${gc.minorOver20} of them scavenges); ${heapTuning.compactions()} compaction steps on demand since start (memory-saving mode on for ${fmt(heapTuning.compactingMs() / 1000, 1)} s in all); longest cycle flush since start ${fmt(fleet.monitor.stats().maxFlushMs, 1)} ms`,
  );
  const ck = store.checkpointStats();
  console.log(
    ck
      ? `  WAL checkpoints on the worker thread: ${ck.runs} since start, longest ${fmt(ck.maxMs, 1)} ms (off the event loop)`
      : '  WAL checkpoints: in the committing thread (no worker)',
  );
  if (process.argv.includes('--heap')) {
    console.log(
      `  heap snapshot: ${v8.writeHeapSnapshot(path.join(os.tmpdir(), `hw-poll-${n}.heapsnapshot`))}`,
    );
  }
  if (process.argv.includes('--smaps')) printSmaps();
  const mu = process.memoryUsage();
  console.log(
    `  memory: rss ${fmt(mu.rss / 1048576)} MB, heap used ${fmt(mu.heapUsed / 1048576)} / total ${fmt(mu.heapTotal / 1048576)} MB, external ${fmt(mu.external / 1048576)} MB, array buffers ${fmt(mu.arrayBuffers / 1048576)} MB (at start: rss ${fmt(baseRss / 1048576)} MB)`,
  );
  timing0 = false;
  if (tlTimer) {
    clearInterval(tlTimer);
    let peak = 0;
    for (let i = 0; i < tl.length; i++) if (tl[i]![2] > tl[peak]![2]) peak = i;
    const from = Math.max(0, peak - 40);
    console.log(
      '  timeline around the longest stall (ms since window start, in flight, timer late ms, polls done):',
    );
    let prevT = tl[from - 1]?.[0] ?? -Infinity;
    let prevCpu = tl[from - 1]?.[4] ?? 0;
    for (const [t, f, late, done, cpuMs] of tl.slice(from, peak + 20)) {
      const cpuDelta = cpuMs - prevCpu;
      prevCpu = cpuMs;
      const g = marks.filter(([mt]) => mt >= prevT && mt < t).map(([, what]) => what);
      prevT = t;
      console.log(
        `    ${fmt(t, 0).padStart(6)} ${String(f).padStart(4)} ${fmt(late, 1).padStart(6)} ${String(done).padStart(7)} main thread CPU ${fmt(cpuDelta, 1).padStart(5)} ms ${g.join(' ')}`,
      );
    }
  }
  console.log(
    `  /summary round trip: p50 ${fmt(latency.percentile(50) / 1000, 1)} ms, p90 ${fmt(latency.percentile(90) / 1000, 1)} ms, p99 ${fmt(latency.percentile(99) / 1000, 1)} ms, max ${fmt(latency.max / 1000, 1)} ms`,
  );
  inFlight.sort((a, b) => a - b);
  console.log(
    `  polls in flight (sampled every 250 ms): median ${inFlight[inFlight.length >> 1] ?? 0}, p90 ${inFlight[Math.floor(inFlight.length * 0.9)] ?? 0}, max ${inFlight[inFlight.length - 1] ?? 0}`,
  );
  console.log(`  schedule lag at the end of the window: ${fmt(fleet.monitor.stats().lagMs, 0)} ms`);
  console.log(`  machine load average during the window: ${fmt(load, 1)} on ${os.cpus().length} CPUs`);
  console.log(`  TCP connects in the window: ${fmt(connects - connects0)} for ${fmt(polls)} polls`);
  const cpuUs = cpu.user + cpu.system;
  const row: Row = {
    miners: n,
    shards: shardCount,
    pollsPerS: polls / wallS,
    expectedPerS: n / INTERVAL_S,
    failedShare: polls ? failed / polls : 0,
    cpuUsPerPoll: polls ? cpuUs / polls : NaN,
    pollerCpuPct: (cpuUs / 1e6 / wallS) * 100,
    storeMsPerS: (s1.totalFlushMs - s0.totalFlushMs) / wallS,
    maxFlushMs: s1.maxFlushMs,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
    rssMaxMb: rssMax / 1024 / 1024,
    rssPeakMb: hwmReset ? statusKb('VmHWM') / 1024 : NaN,
    simCpuPct: (simCpuS / wallS) * 100,
    dbBytesPerMinerDay: ((db1 - db0) / n / wallS) * 86_400,
    warmupS,
    normaliseUsPerPoll: polls ? (timing.normaliseMs * 1000) / polls : NaN,
    storeUsPerPoll: polls ? ((timing.writeMs + timing.maintainMs) * 1000) / polls : NaN,
    storeCpuUsPerPoll: polls && schedFd !== null ? (timing.storeCpuMs * 1000) / polls : NaN,
    checkpointUsPerPoll:
      polls && ck1 && ck0
        ? ((ck1.cpuMs !== null && ck0.cpuMs !== null ? ck1.cpuMs - ck0.cpuMs : ck1.totalMs - ck0.totalMs) *
            1000) /
          polls
        : 0,
    checkpointWallUsPerPoll: polls && ck1 && ck0 ? ((ck1.totalMs - ck0.totalMs) * 1000) / polls : 0,
    stageUsPerPoll: NaN,
    stageMainUsPerPoll: NaN,
  };

  await fleet.stop();
  const stage = await stageCost(client, sim[0]!.address).catch((e: unknown) => {
    console.log(`  stage cost not measured: ${String(e)}`);
    return null;
  });
  if (stage) {
    row.stageUsPerPoll = stage.usPerPoll;
    row.stageMainUsPerPoll = stage.mainUsPerPoll;
  }
  await client.close();
  store.close();
  for (const s of shards) {
    await request(s.child, { type: 'close' }, 'closed').catch(() => {});
    s.child.kill();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  if (errors.length) console.log(`  errors: ${errors.join(' | ')}`);
  console.log(`  fleet.tick events: ${fmt(ticks / ((Date.now() - t0) / 1000), 2)}/s`);
  return row;
}

// The product's heap settings (core/heap.ts): the launch flags come from `npm run bench:poll`.
const heapTuning = tuneHeap();
const missing = LAUNCH_HEAP_FLAGS.filter((f) => !process.execArgv.includes(f));
if (missing.length) console.log(`Note: run without the product's launch flags ${missing.join(' ')}`);
console.log(
  `Poll benchmark: node flags [${process.execArgv.filter((f) => !f.includes('tsx')).join(' ')}] + run-time [${RUNTIME_HEAP_FLAGS.join(' ')}], interval ${INTERVAL_S} s, simulator nice ${SIM_NICE}, window ${WINDOW_S} s, ${os.cpus().length} CPUs, node ${process.version}, ulimit -n ${(() => {
    try {
      return fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? '?';
    } catch {
      return '?';
    }
  })()}`,
);
const baseRss = process.memoryUsage().rss;
const rows: Row[] = [];
const rssOf = (r: Row) => (Number.isFinite(r.rssPeakMb) ? Math.max(r.rssPeakMb, r.rssMaxMb) : r.rssMaxMb);
/** The store's share of a poll: main-thread CPU where schedstat gives it, else its wall time; plus checkpoints. */
const storeUs = (r: Row) =>
  (Number.isFinite(r.storeCpuUsPerPoll) ? r.storeCpuUsPerPoll : r.storeUsPerPoll) + r.checkpointUsPerPoll;
for (const n of SIZES) {
  console.log(`\n== ${fmt(n)} miners ==`);
  const r = await runSize(n);
  rows.push(r);
  console.log(
    [
      `  polls/s sustained   ${fmt(r.pollsPerS, 1)} (schedule: ${fmt(r.expectedPerS)}/s, failed ${fmt(r.failedShare * 100, 2)} %)`,
      `  CPU per miner-poll  ${fmt(r.cpuUsPerPoll, 1)} us  (poller process ${fmt(r.pollerCpuPct, 1)} % of one core)`,
      `  store flush         ${fmt(r.storeMsPerS, 1)} ms per s, longest cycle ${fmt(r.maxFlushMs, 1)} ms`,
      `  event-loop delay    p99 ${fmt(r.loopP99Ms, 1)} ms, max ${fmt(r.loopMaxMs, 1)} ms`,
      Number.isFinite(r.rssPeakMb)
        ? `  RSS (poller)        ${fmt(rssOf(r), 0)} MB peak (kernel high-water mark; ${fmt(r.rssMaxMb, 0)} MB max sampled between GC pauses)`
        : `  RSS (poller)        ${fmt(r.rssMaxMb, 0)} MB max sampled between GC pauses (no kernel high-water mark here: peaks inside a pause unseen)`,
      `  simulator CPU       ${fmt(r.simCpuPct, 1)} % of one core (${r.shards} child process${r.shards > 1 ? 'es' : ''}, measured apart)`,
      `  DB growth           ${fmt(r.dbBytesPerMinerDay / 1024 / 1024, 2)} MB per miner-day of raw polling at ${INTERVAL_S} s`,
      `  warm-up             ${fmt(r.warmupS, 1)} s to a fully live fleet on schedule (no poll over 100 ms late)`,
      `  stages per poll     normalise ${fmt(r.normaliseUsPerPoll, 1)} us (wall in the run, GC pauses that land in it included)`,
      `                      store ${fmt(r.storeCpuUsPerPoll, 1)} us CPU on the main thread (writeCycle + maintain; ${fmt(r.storeUsPerPoll, 1)} us wall) + WAL checkpoints ${fmt(r.checkpointUsPerPoll, 1)} us CPU on the worker (${fmt(r.checkpointWallUsPerPoll, 1)} us wall)`,
      `                      parse + poller + normalise ${fmt(r.stageUsPerPoll, 1)} us CPU (one miner's bodies, no network, whole process; main thread ${fmt(r.stageMainUsPerPoll, 1)} us)`,
      `                      => parse + normalise + store ~${fmt(r.stageUsPerPoll + storeUs(r), 1)} us CPU`,
    ].join('\n'),
  );
}
console.log('\nminers  polls/s  us/poll  p+n+s us  loop p99 ms  RSS MB  sim CPU %  DB MB/miner-day');
for (const r of rows) {
  console.log(
    `${String(r.miners).padStart(6)}  ${fmt(r.pollsPerS, 0).padStart(7)}  ${fmt(r.cpuUsPerPoll, 1).padStart(7)}  ${fmt(r.stageUsPerPoll + storeUs(r), 1).padStart(8)}  ${fmt(r.loopP99Ms, 1).padStart(11)}  ${fmt(rssOf(r)).padStart(6)}  ${fmt(r.simCpuPct, 1).padStart(9)}  ${fmt(r.dbBytesPerMinerDay / 1024 / 1024, 2).padStart(15)}`,
  );
}
