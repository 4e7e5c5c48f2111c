/**
 * One discovery run: probe the targets, browse mDNS, fingerprint what answered, snapshot vnish miners,
 * and merge everything into one de-duplicated list.
 *
 * Probing, mDNS and fingerprinting overlap: a host is fingerprinted as soon as its probe accepted, so a
 * /16 is done shortly after its last probe. Results are keyed by MAC (an mDNS name and a scanned IP of
 * the same miner are one miner) and compared with the MACs the caller already knows, so a miner that
 * DHCP moved to a new address is reported as moved (`previousAddress`) instead of as a second miner.
 * Progress is throttled to a few events a second, whatever the number of addresses.
 */
import net from 'node:net';
import type { FoundMiner, FoundOther, FoundVnish, ScanSummary } from '../../../shared/api/discovery.js';
import { toAppError } from '../../../shared/errors.js';
import { normaliseMac, type MinerSnapshot } from '../../../shared/miner.js';
import { systemClock, type Clock } from '../clock.js';
import { classify, type Fingerprint, type FingerprintIo, type HttpReply } from './fingerprint.js';
import type { MdnsBrowse, MdnsCandidate } from './mdns.js';
import {
  DEFAULT_PROBE_CONCURRENCY,
  DEFAULT_PROBE_PORTS,
  DEFAULT_PROBE_TIMEOUT_MS,
  probeTargets,
  tcpConnect,
  type ProbeResult,
} from './probe.js';
import { probeInWorker } from './probe-worker.js';
import { targetAddress, type ScanTarget, type TargetSet } from './targets.js';

/** The parts of the vnish client discovery uses (the real client satisfies it; tests pass fakes). */
export interface DiscoveryClient {
  probeHttp(
    address: string,
    path: string,
    opts?: { timeoutMs?: number },
  ): Promise<{ status: number; contentType: string | null; body: string; headers?: unknown }>;
  cgminer(host: string, command: string, opts?: { port?: number; timeoutMs?: number }): Promise<unknown>;
  snapshot(address: string, opts?: { mac?: string | null }): Promise<MinerSnapshot>;
}

export interface ScanProgressUpdate {
  probed: number;
  total: number;
  found: number;
  done: boolean;
}

export interface ScanRequest {
  targets: TargetSet;
  /** Browse mDNS during the scan (true: default types and duration). */
  mdns?: boolean | { types?: readonly string[]; durationMs?: number };
  /** Sockets in flight for the TCP probe. */
  concurrency?: number;
  /** TCP connect timeout per probe (ms). */
  timeoutMs?: number;
  /** Hosts fingerprinted at once (default 64). */
  fingerprintConcurrency?: number;
  /** Timeout of each fingerprint request (ms, default 2500). */
  requestTimeoutMs?: number;
  /** MACs the inventory already knows, to report DHCP moves. */
  known?: ReadonlyArray<{ mac: string | null; address: string }>;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgressUpdate) => void;
  /** Minimum gap between progress events (ms, default 250). */
  progressIntervalMs?: number;
  /** Probe on a worker thread (default: for WORKER_MIN_TARGETS or more targets, unless `connect` is injected). */
  probeWorker?: boolean;
}

/** From this many targets on, the TCP sweep runs on a worker thread beside the fingerprinting. */
export const WORKER_MIN_TARGETS = 4096;

export interface ScanOutcome {
  miners: FoundMiner[];
  summary: ScanSummary;
  /** Addresses that accepted a connection but are not a recognisable miner (first 1000). */
  unrecognised: string[];
}

export interface ScannerDeps {
  client: DiscoveryClient;
  mdns?: MdnsBrowse;
  clock?: Clock;
  /** Replaces the raw TCP connect (unit tests); default `tcpConnect`. */
  connect?: typeof tcpConnect;
}

/** Where to fingerprint one host. */
interface FingerprintTask {
  host: string;
  /** Address the vnish client dials for HTTP (`host` or `host:port`). */
  address: string;
  httpPort: number | null;
  cgminerPort: number | null;
  source: 'scan' | 'mdns';
  mdnsMac: string | null;
}

const MAX_UNRECOGNISED = 1000;

function headerValue(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(n: string): unknown }).get(name);
    return typeof v === 'string' ? v : null;
  }
  const rec = headers as Record<string, unknown>;
  const v = rec[name] ?? rec[name.toLowerCase()];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
}

const hostOf = (host: string) => (net.isIPv6(host) ? `[${host}]` : host);

/** Runs one discovery scan to the end (or until the signal aborts) and returns its merged result. */
export async function runScan(deps: ScannerDeps, req: ScanRequest): Promise<ScanOutcome> {
  const clock = deps.clock ?? systemClock;
  const connect = deps.connect ?? tcpConnect;
  const startedAt = clock.now();
  const requestTimeoutMs = req.requestTimeoutMs ?? 2500;
  const fpLimit = Math.max(1, req.fingerprintConcurrency ?? 64);
  const signal = req.signal;
  const knownByMac = new Map<string, string>();
  for (const k of req.known ?? []) {
    const mac = normaliseMac(k.mac);
    if (mac) knownByMac.set(mac, k.address);
  }

  let total = req.targets.total;
  let probed = 0;
  let responsive = 0;
  let mdnsCandidates = 0;
  const unrecognised: string[] = [];

  // ---- merged results, keyed by MAC when known, else by address -------------------------------------
  const byKey = new Map<string, FoundMiner>();
  const keyOfAddress = new Map<string, string>();
  const merge = (found: FoundMiner) => {
    const macKey = found.mac ? `mac:${found.mac}` : null;
    const addrKey = `addr:${found.address}`;
    const existingKey =
      (macKey && byKey.has(macKey) ? macKey : null) ?? keyOfAddress.get(found.address) ?? null;
    const existing = existingKey ? byKey.get(existingKey) : undefined;
    if (!existing || !existingKey) {
      const key = macKey ?? addrKey;
      byKey.set(key, found);
      keyOfAddress.set(found.address, key);
      return;
    }
    const sources = [...new Set([...existing.sources, ...found.sources])].sort();
    // Prefer what the scan saw (a plain IP on the standard ports) over an mDNS name or port.
    const preferNew =
      (existing.managed === false && found.managed === true) ||
      (found.sources.includes('scan') && !existing.sources.includes('scan'));
    const winner = preferNew ? found : existing;
    const merged = { ...winner, sources } as FoundMiner;
    if (merged.managed && !merged.snapshot) {
      const other = preferNew ? existing : found;
      if (other.managed && other.snapshot) Object.assign(merged, { snapshot: other.snapshot, error: null });
    }
    byKey.delete(existingKey);
    const key = merged.mac ? `mac:${merged.mac}` : `addr:${merged.address}`;
    byKey.set(key, merged);
    keyOfAddress.set(existing.address, key);
    keyOfAddress.set(found.address, key);
  };

  // ---- progress, throttled ---------------------------------------------------------------------------
  const gapMs = req.progressIntervalMs ?? 250;
  let lastEmit = -Infinity;
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  const emitProgress = (done: boolean) => {
    if (!req.onProgress) return;
    if (progressTimer) clearTimeout(progressTimer);
    progressTimer = null;
    lastEmit = clock.now();
    req.onProgress({ probed, total, found: byKey.size, done });
  };
  const progress = () => {
    if (!req.onProgress) return;
    const wait = lastEmit + gapMs - clock.now();
    if (wait <= 0) emitProgress(false);
    else if (!progressTimer) {
      progressTimer = setTimeout(() => emitProgress(false), wait);
      progressTimer.unref?.();
    }
  };

  // ---- fingerprinting pool ---------------------------------------------------------------------------
  const fingerprinted = new Map<string, FingerprintTask>();
  const extraSources = new Map<string, Set<'scan' | 'mdns'>>();
  const fpQueue: FingerprintTask[] = [];
  let fpActive = 0;
  let fpIdle: (() => void) | null = null;

  const ioFor = (task: FingerprintTask): FingerprintIo => ({
    http: async (path) => {
      if (task.httpPort === null) return null;
      try {
        const r = await deps.client.probeHttp(task.address, path, { timeoutMs: requestTimeoutMs });
        const reply: HttpReply = {
          status: r.status,
          contentType: r.contentType,
          body: r.body,
          wwwAuthenticate: headerValue(r.headers, 'www-authenticate'),
        };
        return reply;
      } catch {
        return null;
      }
    },
    cgminer: async (command) => {
      if (task.cgminerPort === null) return null;
      try {
        return await deps.client.cgminer(task.host, command, {
          port: task.cgminerPort,
          timeoutMs: requestTimeoutMs,
        });
      } catch {
        return null;
      }
    },
  });

  const record = async (task: FingerprintTask, fp: Fingerprint) => {
    const sources = [...new Set([task.source, ...(extraSources.get(task.address) ?? [])])].sort();
    if (!fp.managed) {
      const other: FoundOther = {
        managed: false,
        kind: fp.kind,
        address: task.address,
        mac: fp.mac ?? task.mdnsMac,
        model: fp.model,
        sources,
        detail: fp.detail,
      };
      merge(other);
      return;
    }
    let snapshot: MinerSnapshot | null = null;
    let error: FoundVnish['error'] = null;
    const macHint = fp.mac ?? task.mdnsMac;
    try {
      snapshot = await deps.client.snapshot(task.address, { mac: macHint });
    } catch (e) {
      error = toAppError(e);
    }
    const mac = normaliseMac(snapshot?.mac) ?? macHint;
    const knownAt = mac ? knownByMac.get(mac) : undefined;
    merge({
      managed: true,
      kind: 'vnish',
      address: task.address,
      mac,
      previousAddress: knownAt !== undefined && knownAt !== task.address ? knownAt : null,
      sources,
      detail: fp.detail,
      model: snapshot?.model ?? fp.model,
      firmwareVersion: snapshot?.firmware.version ?? fp.version,
      snapshot,
      error,
    });
  };

  const runTask = async (task: FingerprintTask) => {
    try {
      const fp = await classify(ioFor(task), {
        http: task.httpPort !== null,
        cgminer: task.cgminerPort !== null,
      });
      if (signal?.aborted) return;
      if (fp) await record(task, fp);
      else if (unrecognised.length < MAX_UNRECOGNISED) unrecognised.push(task.address);
    } catch {
      if (unrecognised.length < MAX_UNRECOGNISED) unrecognised.push(task.address);
    }
  };

  const pumpFingerprints = () => {
    while (fpActive < fpLimit && fpQueue.length > 0 && !signal?.aborted) {
      const task = fpQueue.shift()!;
      fpActive++;
      void runTask(task).finally(() => {
        fpActive--;
        progress();
        pumpFingerprints();
      });
    }
    if (fpActive === 0 && (fpQueue.length === 0 || signal?.aborted) && fpIdle) fpIdle();
  };

  const enqueue = (task: FingerprintTask) => {
    if (fingerprinted.has(task.address)) {
      // Seen by the scan and by mDNS: one fingerprint, both sources.
      let extra = extraSources.get(task.address);
      if (!extra) extraSources.set(task.address, (extra = new Set()));
      extra.add(task.source);
      const key = keyOfAddress.get(task.address);
      const found = key ? byKey.get(key) : undefined;
      if (found && !found.sources.includes(task.source))
        found.sources = [...found.sources, task.source].sort();
      return;
    }
    fingerprinted.set(task.address, task);
    fpQueue.push(task);
    pumpFingerprints();
  };

  const onProbe = (r: ProbeResult) => {
    probed++;
    if (r.openPorts.length > 0) {
      responsive++;
      const t = r.target;
      const explicit = t.port !== null;
      const httpPort = explicit ? (t.port === 4028 ? null : t.port) : r.openPorts.includes(80) ? 80 : null;
      const cgminerPort = explicit
        ? t.port === 4028
          ? 4028
          : null
        : r.openPorts.includes(4028)
          ? 4028
          : null;
      enqueue({
        host: t.host,
        address: httpPort === null || httpPort === 80 ? hostOf(t.host) : targetAddress(t),
        httpPort,
        cgminerPort,
        source: 'scan',
        mdnsMac: null,
      });
    }
    progress();
  };

  // ---- mDNS ------------------------------------------------------------------------------------------
  const onCandidate = async (c: MdnsCandidate) => {
    mdnsCandidates++;
    total++;
    progress();
    const ports = [c.port, ...(c.cgminerPort && c.cgminerPort !== c.port ? [c.cgminerPort] : [])];
    if (c.port === 80 && !c.cgminerPort) ports.push(4028);
    const outcomes = await Promise.all(ports.map((p) => connect(c.host, p, req.timeoutMs ?? 1000)));
    probed++;
    const open = ports.filter((_, i) => outcomes[i] === 'open');
    if (open.length === 0 || signal?.aborted) return progress();
    responsive++;
    const httpPort = open.includes(c.port) && c.port !== 4028 ? c.port : null;
    const cgminerPort = open.find((p) => p === c.cgminerPort || (p === 4028 && !c.cgminerPort)) ?? null;
    const target: ScanTarget = { host: c.host, port: httpPort === 80 || httpPort === null ? null : httpPort };
    enqueue({
      host: c.host,
      address: targetAddress(target),
      httpPort,
      cgminerPort,
      source: 'mdns',
      mdnsMac: c.mac,
    });
  };

  const pendingCandidates: Array<Promise<void>> = [];
  const mdnsRun =
    req.mdns && deps.mdns
      ? deps.mdns({
          ...(typeof req.mdns === 'object' ? req.mdns : {}),
          ...(signal ? { signal } : {}),
          onCandidate: (c) => pendingCandidates.push(onCandidate(c)),
        })
      : Promise.resolve();

  const useWorker = req.probeWorker ?? (!deps.connect && req.targets.total >= WORKER_MIN_TARGETS);
  const probeRun =
    (useWorker
      ? probeInWorker(
          req.targets,
          onProbe,
          (n) => {
            probed += n;
            progress();
          },
          {
            concurrency: req.concurrency ?? DEFAULT_PROBE_CONCURRENCY,
            timeoutMs: req.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
            ports: DEFAULT_PROBE_PORTS,
            ...(signal ? { signal } : {}),
          },
        )
      : null) ??
    probeTargets(req.targets, onProbe, {
      ...(req.concurrency !== undefined ? { concurrency: req.concurrency } : {}),
      ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
      ...(signal ? { signal } : {}),
      connect,
    });

  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const allDone = (async () => {
    await Promise.all([probeRun, mdnsRun]);
    await Promise.all(pendingCandidates);
    if (fpActive > 0 || fpQueue.length > 0) await new Promise<void>((resolve) => (fpIdle = resolve));
  })();
  await Promise.race([allDone, aborted]);
  if (progressTimer) clearTimeout(progressTimer);

  const miners = [...byKey.values()].sort(compareFound);
  const vnish = miners.filter((m) => m.managed).length;
  const summary: ScanSummary = {
    total,
    probed,
    responsive,
    vnish,
    other: miners.length - vnish,
    moved: miners.filter((m) => m.managed && m.previousAddress !== null).length,
    mdnsCandidates,
    durationMs: Math.max(0, clock.now() - startedAt),
    cancelled: signal?.aborted ?? false,
  };
  emitProgress(true);
  return { miners, summary, unrecognised };
}

/** Orders results by address, numerically for IPv4 (10.0.0.9 before 10.0.0.10), names after. */
export function compareFound(a: FoundMiner, b: FoundMiner): number {
  const key = (addr: string): [number, number] | null => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?::(\d+))?$/.exec(addr);
    if (!m) return null;
    return [((+m[1]! << 24) | (+m[2]! << 16) | (+m[3]! << 8) | +m[4]!) >>> 0, m[5] ? +m[5] : 0];
  };
  const ka = key(a.address);
  const kb = key(b.address);
  if (ka && kb) return ka[0] - kb[0] || ka[1] - kb[1];
  if (ka) return -1;
  if (kb) return 1;
  return a.address.localeCompare(b.address);
}
