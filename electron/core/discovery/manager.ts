/**
 * Discovery as a background job: start a scan, follow its progress, cancel it, read its results.
 *
 * The contract's `discovery.scan` must answer at once (a /16 takes seconds, the UI shows a progress
 * bar), so scans run here, keyed by id, with the last few kept for `discovery.results`. One scan runs
 * at a time: two overlapping sweeps would only compete for sockets and miners' attention.
 */
import { randomUUID } from 'node:crypto';
import type { FoundMiner, ScanOptions, ScanProgress, ScanResults } from '../../../shared/api/discovery.js';
import { HashwatchError, toAppError } from '../../../shared/errors.js';
import { systemClock, type Clock } from '../clock.js';
import type { MdnsBrowse } from './mdns.js';
import { runScan, type DiscoveryClient } from './scan.js';
import { parseTargets } from './targets.js';

export interface DiscoveryDefaults {
  concurrency?: number;
  timeoutMs?: number;
  mdnsDurationMs?: number;
  mdnsTypes?: readonly string[];
  fingerprintConcurrency?: number;
  requestTimeoutMs?: number;
}

export interface DiscoveryManagerDeps {
  client: DiscoveryClient;
  mdns?: MdnsBrowse;
  clock?: Clock;
  defaults?: DiscoveryDefaults;
  /** Called with every progress update (throttled by the scan). */
  onProgress?: (p: ScanProgress) => void;
  /** Called once per finished scan with its miners, to bring vnish miners into the inventory. */
  onFound?: (miners: FoundMiner[]) => void;
  /** The MACs and addresses already known, to report DHCP moves. */
  known?: () => ReadonlyArray<{ mac: string | null; address: string }>;
  /** How many finished scans are kept for `results` (default 10). */
  keep?: number;
}

export interface DiscoveryManager {
  /** Starts a scan in the background; throws ValidationError for bad targets, Conflict when one runs. */
  start(targets: string[], options?: ScanOptions): { scanId: string; total: number };
  cancel(scanId: string): boolean;
  results(scanId: string): ScanResults;
  list(): ScanResults[];
  /** Resolves when the scan ends (tests, the CLI). */
  wait(scanId: string): Promise<ScanResults>;
  close(): Promise<void>;
}

interface Job {
  state: ScanResults;
  controller: AbortController;
  finished: Promise<void>;
}

/** Builds the background scan runner the discovery service and the CLI share. */
export function createDiscoveryManager(deps: DiscoveryManagerDeps): DiscoveryManager {
  const clock = deps.clock ?? systemClock;
  const defaults = deps.defaults ?? {};
  const keep = deps.keep ?? 10;
  const jobs = new Map<string, Job>();

  const get = (scanId: string): Job => {
    const job = jobs.get(scanId);
    if (!job) throw new HashwatchError('NotFound', `No scan with id ${scanId}`);
    return job;
  };

  const prune = () => {
    const done = [...jobs.values()].filter((j) => j.state.state !== 'running');
    for (const j of done.slice(0, Math.max(0, done.length - keep))) jobs.delete(j.state.scanId);
  };

  return {
    start(targetInputs, options = {}) {
      const running = [...jobs.values()].find((j) => j.state.state === 'running');
      if (running) {
        throw new HashwatchError(
          'Conflict',
          `A scan is already running (${running.state.scanId}); cancel it or wait for it to finish`,
          { scanId: running.state.scanId },
        );
      }
      const targets = parseTargets(targetInputs, { allowFiles: false });
      if (targets.total === 0 && !options.mdns) {
        throw new HashwatchError(
          'ValidationError',
          'Nothing to scan: give at least one target, or enable mDNS',
        );
      }
      const scanId = randomUUID();
      const controller = new AbortController();
      const progress = (
        p: Omit<ScanProgress, 'scanId' | 'summary'>,
        summary: ScanProgress['summary'] = null,
      ) => {
        const value: ScanProgress = { scanId, ...p, summary };
        state.progress = value;
        deps.onProgress?.(value);
      };
      const state: ScanResults = {
        scanId,
        state: 'running',
        startedAt: new Date(clock.now()).toISOString(),
        targets: targetInputs.slice(0, 100),
        progress: { scanId, probed: 0, total: targets.total, found: 0, done: false, summary: null },
        summary: null,
        miners: [],
        error: null,
      };
      const mdns = options.mdns
        ? {
            ...(defaults.mdnsDurationMs !== undefined ? { durationMs: defaults.mdnsDurationMs } : {}),
            ...(defaults.mdnsTypes ? { types: defaults.mdnsTypes } : {}),
          }
        : false;
      const finished = runScan(
        { client: deps.client, ...(deps.mdns ? { mdns: deps.mdns } : {}), clock },
        {
          targets,
          mdns,
          concurrency: options.concurrency ?? defaults.concurrency,
          timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
          fingerprintConcurrency: defaults.fingerprintConcurrency,
          requestTimeoutMs: defaults.requestTimeoutMs,
          known: deps.known?.() ?? [],
          signal: controller.signal,
          onProgress: (p) => {
            if (!p.done) progress(p);
          },
        },
      ).then(
        (outcome) => {
          state.miners = outcome.miners;
          state.summary = outcome.summary;
          state.state = outcome.summary.cancelled ? 'cancelled' : 'done';
          try {
            deps.onFound?.(outcome.miners);
          } catch (e) {
            state.error = toAppError(e);
          }
          progress(
            {
              probed: outcome.summary.probed,
              total: outcome.summary.total,
              found: outcome.miners.length,
              done: true,
            },
            outcome.summary,
          );
          prune();
        },
        (e: unknown) => {
          state.state = 'failed';
          state.error = toAppError(e);
          progress({ ...state.progress, done: true });
          prune();
        },
      );
      jobs.set(scanId, { state, controller, finished });
      return { scanId, total: targets.total };
    },
    cancel(scanId) {
      const job = get(scanId);
      if (job.state.state !== 'running') return false;
      job.controller.abort();
      return true;
    },
    results: (scanId) => get(scanId).state,
    list: () => [...jobs.values()].map((j) => j.state).reverse(),
    async wait(scanId) {
      const job = get(scanId);
      await job.finished;
      return job.state;
    },
    async close() {
      for (const j of jobs.values()) if (j.state.state === 'running') j.controller.abort();
      await Promise.all([...jobs.values()].map((j) => j.finished));
    },
  };
}
