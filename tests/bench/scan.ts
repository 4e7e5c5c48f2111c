/**
 * Scan benchmark (prints figures, asserts nothing). Every packet stays inside network namespaces this
 * script creates with `unshare -rn`:
 *   (a) a /16 on loopback (127.0.0.0/16) holding N simulated vnish miners (default 1,000) on
 *       127.0.x.y:80/4028: time and misses, default settings;
 *   (b) a /22 of silent addresses: 198.18.0.1/15 on one end of a veth pair whose peer has no address,
 *       so 198.18.4.0/22 answers nothing (no SYN-ACK, no RST), default settings;
 *   (c) the same two ranges with `nmap -sT -Pn -p80,4028 -T5`, printed as a ratio.
 *
 *   npx tsx tests/bench/scan.ts [--miners N] [--no-nmap]
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScan } from '../../electron/core/discovery/scan.js';
import {
  DEFAULT_PROBE_CONCURRENCY,
  DEFAULT_PROBE_PORTS,
  DEFAULT_PROBE_TIMEOUT_MS,
} from '../../electron/core/discovery/probe.js';
import { probeInWorker } from '../../electron/core/discovery/probe-worker.js';
import { parseTargets } from '../../electron/core/discovery/targets.js';
import { factoryOnlyProvider } from '../../electron/core/credentials/provider.js';
import { createVnishClient } from '../../electron/core/vnish/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const self = fileURLToPath(import.meta.url);

const LOOPBACK_RANGE = '127.0.0.0/16';
const SILENT_RANGE = '198.18.4.0/22';

interface PhaseResult {
  range: string;
  addresses: number;
  ms: number;
  probed: number;
  responsive: number;
  vnish: number;
  withSnapshot?: number;
  misses?: number;
  farmSize?: number;
  farmStartMs?: number;
  sweepOnlyMs?: number;
  fingerprintOnlyMs?: number;
  /** When the last probe answered (fingerprinting overlaps it). */
  probeMs?: number;
  loadAvg?: string;
  nmapMs?: number | null;
  nmapOpenHosts?: number | null;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** nmap connect scan of the range; returns its wall time and the hosts with an open port. */
function nmap(range: string): { ms: number; openHosts: number } | null {
  const t0 = performance.now();
  const r = spawnSync('nmap', ['-sT', '-Pn', '-n', '-p80,4028', '-T5', '--open', '-oG', '-', range], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return null;
  const ms = performance.now() - t0;
  const openHosts = r.stdout.split('\n').filter((l) => /Ports: .*\/open\//.test(l)).length;
  return { ms, openHosts };
}

/** Scans like `hashwatch scan <range>` with its defaults (no password: snapshots use the open endpoints). */
async function scan(range: string) {
  const client = createVnishClient({ credentials: factoryOnlyProvider(false) });
  const t0 = performance.now();
  let probeMs = 0;
  try {
    const out = await runScan(
      { client },
      {
        targets: parseTargets([range]),
        onProgress: (p) => {
          if (p.probed === p.total && probeMs === 0) probeMs = performance.now() - t0;
        },
      },
    );
    return { out, ms: performance.now() - t0, probeMs };
  } finally {
    await client.close();
  }
}

async function innerLoopback(withNmap: boolean): Promise<PhaseResult> {
  const miners = Number(arg('miners') ?? '1000');
  const t0 = performance.now();
  const farm = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'scan-farm.ts'), String(miners)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const list = await new Promise<Array<{ address: string; mac: string }>>((resolve, reject) => {
    let buf = '';
    farm.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as Array<{ address: string; mac: string }>);
    });
    farm.once('exit', (code) => reject(new Error(`farm exited with ${code}`)));
  });
  const farmStartMs = performance.now() - t0;
  try {
    const { out, ms, probeMs } = await scan(LOOPBACK_RANGE);
    const found = new Map(out.miners.filter((m) => m.managed).map((m) => [m.address, m]));
    const misses = list.filter((m) => found.get(m.address)?.mac !== m.mac).length;
    const withSnapshot = [...found.values()].filter((m) => m.managed && m.snapshot).length;
    // The two halves alone: the TCP sweep without fingerprinting, and fingerprint + snapshot of the
    // farm's addresses without the sweep.
    const t1 = performance.now();
    await probeInWorker(
      parseTargets([LOOPBACK_RANGE]),
      () => {},
      () => {},
      {
        concurrency: DEFAULT_PROBE_CONCURRENCY,
        timeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
        ports: DEFAULT_PROBE_PORTS,
      },
    );
    const sweepOnlyMs = performance.now() - t1;
    const fp = await scan(list.map((m) => m.address).join(','));
    const n = withNmap ? nmap(LOOPBACK_RANGE) : null;
    return {
      sweepOnlyMs,
      fingerprintOnlyMs: fp.ms,
      range: LOOPBACK_RANGE,
      addresses: out.summary.total,
      ms,
      probeMs,
      loadAvg: os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' '),
      probed: out.summary.probed,
      responsive: out.summary.responsive,
      vnish: out.summary.vnish,
      withSnapshot,
      misses,
      farmSize: list.length,
      farmStartMs,
      nmapMs: n?.ms ?? null,
      nmapOpenHosts: n?.openHosts ?? null,
    };
  } finally {
    farm.stdin.end();
    await new Promise((r) => farm.once('exit', r));
  }
}

async function innerSilent(withNmap: boolean): Promise<PhaseResult> {
  const { out, ms } = await scan(SILENT_RANGE);
  const n = withNmap ? nmap(SILENT_RANGE) : null;
  return {
    range: SILENT_RANGE,
    addresses: out.summary.total,
    ms,
    probed: out.summary.probed,
    responsive: out.summary.responsive,
    vnish: out.summary.vnish,
    nmapMs: n?.ms ?? null,
    nmapOpenHosts: n?.openHosts ?? null,
  };
}

function runInNamespace(setup: string, phase: string, extra: string[]): PhaseResult {
  const args = [self, '--inner', phase, ...extra].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('unshare', ['-rn', 'sh', '-c', `${setup}; exec node --import tsx ${args}`], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  });
  if (r.status !== 0) throw new Error(`phase ${phase} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as PhaseResult;
}

const s = (ms: number | null | undefined) => (ms == null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

async function main(): Promise<void> {
  const inner = arg('inner');
  const withNmap = !process.argv.includes('--no-nmap');
  if (inner === 'loopback') return void console.log(JSON.stringify(await innerLoopback(withNmap)));
  if (inner === 'silent') return void console.log(JSON.stringify(await innerSilent(withNmap)));

  if (spawnSync('unshare', ['-rn', 'true']).status !== 0) {
    console.log('scan bench: skipped, `unshare -rn` is not available here');
    return;
  }
  const nmapOk = withNmap && spawnSync('nmap', ['--version']).status === 0;
  const extra = [...(arg('miners') ? ['--miners', arg('miners')!] : []), ...(nmapOk ? [] : ['--no-nmap'])];
  console.log(
    `scan bench: defaults concurrency ${DEFAULT_PROBE_CONCURRENCY} sockets, connect timeout ${DEFAULT_PROBE_TIMEOUT_MS} ms; ` +
      `nmap ${nmapOk ? 'on' : 'off'}`,
  );
  const a = runInNamespace('ip link set lo up', 'loopback', extra);
  console.log(
    `(a) ${a.range} on loopback, ${a.farmSize} simulated miners (farm started in ${s(a.farmStartMs)}):\n` +
      `    hashwatch ${s(a.ms)} (last probe answered at ${s(a.probeMs)}; load average ${a.loadAvg}): ` +
      `${a.addresses} addresses probed on 80+4028, ${a.responsive} responsive, ` +
      `${a.vnish} vnish found, ${a.withSnapshot} with snapshot, misses ${a.misses}\n` +
      `    halves alone: TCP sweep of the /16 ${s(a.sweepOnlyMs)}; fingerprint + snapshot of the ${a.farmSize} ` +
      `miners ${s(a.fingerprintOnlyMs)}\n` +
      `    nmap -sT -Pn -p80,4028 -T5: ${s(a.nmapMs)} (${a.nmapOpenHosts ?? 'n/a'} hosts with an open port)` +
      (a.nmapMs ? `; hashwatch/nmap time ratio ${(a.ms / a.nmapMs).toFixed(2)}` : '') +
      ' (nmap only probes; hashwatch also fingerprints and reads every miner)',
  );
  const b = runInNamespace(
    'ip link set lo up; ip link add v0 type veth peer name v1; ip addr add 198.18.0.1/15 dev v0; ' +
      'ip link set v0 up; ip link set v1 up',
    'silent',
    extra,
  );
  console.log(
    `(b) ${b.range}, every address silent:\n` +
      `    hashwatch ${s(b.ms)}: ${b.addresses} addresses, ${b.responsive} responsive\n` +
      `    nmap -sT -Pn -p80,4028 -T5: ${s(b.nmapMs)}` +
      (b.nmapMs ? `; nmap/hashwatch time ratio ${(b.nmapMs / b.ms).toFixed(1)}x` : ''),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
