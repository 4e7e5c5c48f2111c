/**
 * HTTP transport benchmark (prints figures, asserts nothing): `createTransport(...).send` against a
 * loopback node:http server that answers every GET with a ~3 KB JSON body and a Content-Length, like a
 * miner's /summary. The server runs in a child process and so does the client (started with
 * `--trace-gc-nvp`, so the bytes V8 allocated and the bytes that survived scavenges can be summed from
 * its trace), so every figure below is the client's alone:
 *   requests/s, CPU µs per request (process.cpuUsage: main thread and GC helpers), GC count and total
 *   pause (PerformanceObserver 'gc'), bytes allocated, copied by scavenges (new_space_survived) and
 *   promoted per request, event-loop delay p99.
 *
 *   npx tsx tests/bench/http.ts [--seconds 10] [--warmup 3] [--concurrency 64] [--ports 100] [--bytes 3000]
 *                               [--impl path/to/http.ts[,other/http.ts]]
 *
 * `--impl` takes one or more copies of the transport module (each run in turn against the same
 * server), to compare an older version kept outside the tree with the current one; the default is
 * electron/core/vnish/http.ts. The machine is shared: the load average is printed next to each run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { createTransport as CreateTransport } from '../../electron/core/vnish/http.js';

const self = fileURLToPath(import.meta.url);
const here = path.dirname(self);
const defaultImpl = path.resolve(here, '../../electron/core/vnish/http.ts');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

interface ClientConfig {
  impl: string;
  ports: number[];
  seconds: number;
  warmup: number;
  concurrency: number;
}

interface ClientResult {
  requests: number;
  errors: number;
  bodyBytes: number;
  wallMs: number;
  cpuUs: number;
  gcCount: number;
  gcMinor: number;
  gcMajor: number;
  gcMs: number;
  gcMaxMs: number;
  eldP99Ms: number;
  /** performance.now() at the window's start and end (the client's clock, as V8's trace uses). */
  fromMs: number;
  toMs: number;
}

// ---------------------------------------------------------------------------------------------------
// Server child: N listening ports, one fixed JSON body each.

function makeBody(bytes: number): Buffer {
  const chains: unknown[] = [];
  let i = 0;
  let s = '';
  while (s.length < bytes) {
    chains.push({
      id: i,
      frequency: 525 + i,
      voltage: 1320,
      hashrate_rt: 67_123.45 + i,
      hashrate_ideal: 67_500,
      hw_errors: 12 * i,
      chip_temp: { min: 61, max: 78 },
      pcb_temp: { min: 48, max: 63 },
      status: { state: 'mining', description: '' },
    });
    i += 1;
    s = JSON.stringify({ miner: { miner_status: { miner_state: 'mining' }, hr_realtime: 201_000, chains } });
  }
  return Buffer.from(s, 'utf8');
}

async function serverMain(): Promise<void> {
  const count = Number(arg('ports', '100'));
  const body = makeBody(Number(arg('bytes', '3000')));
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const srv = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    srv.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    ports.push((srv.address() as AddressInfo).port);
  }
  process.send!({ ports, bodyBytes: body.length });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------
// Client child: drives the transport at a fixed concurrency.

async function clientMain(cfg: ClientConfig): Promise<ClientResult> {
  const mod = (await import(pathToFileURL(cfg.impl).href)) as { createTransport: typeof CreateTransport };
  const transport = mod.createTransport({
    connectTimeoutMs: 1500,
    requestTimeoutMs: 5000,
    maxConnectionsPerMiner: 2,
    maxConnections: 256,
    keepAliveMs: 10_000,
  });
  const addresses = cfg.ports.map((p) => `127.0.0.1:${p}`);
  const headers = { authorization: 'Bearer 0123456789abcdef0123456789abcdef' };
  let next = 0;
  let counting = false;
  let stop = false;
  let requests = 0;
  let errors = 0;
  let bodyBytes = 0;

  const worker = async () => {
    while (!stop) {
      const address = addresses[next++ % addresses.length]!;
      try {
        const res = await transport.send({
          address,
          method: 'GET',
          path: '/api/v1/summary',
          headers,
          idempotent: true,
          maxBodyBytes: 8 * 1024 * 1024,
        });
        if (counting) {
          requests += 1;
          bodyBytes += res.text.length;
        }
      } catch {
        if (counting) errors += 1;
      }
    }
  };
  const workers = Array.from({ length: cfg.concurrency }, worker);

  await new Promise((r) => setTimeout(r, cfg.warmup * 1000));

  let gcCount = 0;
  let gcMinor = 0;
  let gcMajor = 0;
  let gcMs = 0;
  let gcMaxMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcCount += 1;
      gcMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      // perf_hooks constants: 1 minor (scavenge), 2 major, 4 incremental, 8 weak callbacks.
      if (kind === 1) gcMinor += 1;
      else if (kind === 2) gcMajor += 1;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  counting = true;
  const fromMs = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, cfg.seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const toMs = performance.now();
  counting = false;
  eld.disable();
  // Let the observer deliver the last entries of the window.
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  stop = true;
  await Promise.all(workers);
  await transport.close();
  return {
    requests,
    errors,
    bodyBytes,
    wallMs: toMs - fromMs,
    cpuUs: cpu.user + cpu.system,
    gcCount,
    gcMinor,
    gcMajor,
    gcMs,
    gcMaxMs,
    eldP99Ms: eld.percentile(99) / 1e6,
    fromMs,
    toMs,
  };
}

// ---------------------------------------------------------------------------------------------------
// Launcher.

interface TraceSums {
  scavenges: number;
  markCompacts: number;
  allocated: number;
  survived: number;
  promoted: number;
}

/** Sums V8's --trace-gc-nvp lines whose timestamp (ms since the isolate started) is in the window. */
function sumTrace(lines: string[], fromMs: number, toMs: number): TraceSums {
  const s: TraceSums = { scavenges: 0, markCompacts: 0, allocated: 0, survived: 0, promoted: 0 };
  for (const line of lines) {
    const t = /\]\s+(\d+) ms: pause=/.exec(line);
    if (!t || Number(t[1]) < fromMs || Number(t[1]) > toMs) continue;
    const field = (name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(line)?.[1] ?? 0);
    const kind = / gc=(\w+)/.exec(line)?.[1];
    if (kind === 's') s.scavenges += 1;
    else s.markCompacts += 1;
    s.allocated += field('allocated');
    s.promoted += field('promoted');
    s.survived += field('new_space_survived');
  }
  return s;
}

async function runClient(cfg: ClientConfig): Promise<{ r: ClientResult; trace: TraceSums }> {
  const child = fork(self, ['client'], {
    execArgv: [...process.execArgv, '--trace-gc-nvp'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter((l) => l.includes('gc=')));
  });
  const result = new Promise<ClientResult>((resolve, reject) => {
    child.on('message', (m) => resolve(m as ClientResult));
    child.on('exit', (code) => reject(new Error(`client exited (${code}) without a result`)));
  });
  child.send(cfg);
  const r = await result;
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on('exit', resolve)));
  if (partial.includes('gc=')) lines.push(partial);
  return { r, trace: sumTrace(lines, r.fromMs, r.toMs) };
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '10'));
  const warmup = Number(arg('warmup', '3'));
  const concurrency = Number(arg('concurrency', '64'));
  const portCount = Number(arg('ports', '100'));
  const impls = arg('impl', defaultImpl)
    .split(',')
    .map((p) => path.resolve(p));

  const server: ChildProcess = fork(
    self,
    ['server', '--ports', String(portCount), '--bytes', arg('bytes', '3000')],
    {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const { ports, bodyBytes } = await new Promise<{ ports: number[]; bodyBytes: number }>((resolve) =>
    server.once('message', (m) => resolve(m as { ports: number[]; bodyBytes: number })),
  );
  console.log(
    `HTTP transport benchmark: ${ports.length} ports, body ${bodyBytes} B with Content-Length, concurrency ${concurrency}, ` +
      `window ${seconds} s after ${warmup} s warm-up, ${os.cpus().length} CPUs, node ${process.version}`,
  );
  try {
    for (const impl of impls) {
      const load = os.loadavg()[0]!.toFixed(2);
      const { r, trace } = await runClient({ impl, ports, seconds, warmup, concurrency });
      const n = Math.max(1, r.requests);
      console.log(`\n${path.relative(process.cwd(), impl) || impl} (load average before: ${load})`);
      console.log(
        `  requests/s            ${((r.requests * 1000) / r.wallMs).toFixed(0)}  (errors ${r.errors})`,
      );
      console.log(`  CPU µs per request    ${(r.cpuUs / n).toFixed(1)}`);
      console.log(
        `  GC                    ${r.gcCount} (minor ${r.gcMinor}, major ${r.gcMajor}), ${r.gcMs.toFixed(0)} ms total, ` +
          `longest ${r.gcMaxMs.toFixed(1)} ms, ${((r.gcMs * 1000) / n).toFixed(2)} µs per request`,
      );
      console.log(
        `  V8 trace              ${trace.scavenges} scavenges, ${trace.markCompacts} other; per request: ` +
          `allocated ${(trace.allocated / n).toFixed(0)} B, scavenge-survived ${(trace.survived / n).toFixed(0)} B, ` +
          `promoted ${(trace.promoted / n).toFixed(0)} B`,
      );
      console.log(`  event-loop delay p99  ${r.eldP99Ms.toFixed(1)} ms`);
    }
  } finally {
    server.disconnect();
    server.kill();
  }
}

const role = process.argv[2];
if (role === 'server') {
  void serverMain();
} else if (role === 'client') {
  process.once('message', (cfg: ClientConfig) => {
    clientMain(cfg)
      .then((r) => {
        process.send!(r, () => process.disconnect());
      })
      .catch((e: unknown) => {
        console.error(e);
        process.exit(1);
      });
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
