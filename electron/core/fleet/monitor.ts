/**
 * The fleet monitor: registry + scheduler + inventory + alerts + the cycle writer, wired together.
 *
 * Each finished poll updates the miner's in-memory state; every `flushMs` (a "cycle") the results that
 * finished meanwhile go to the store in ONE transaction, the inventory gets the changed records (one
 * batched `fleet.tick`), the alert engine evaluates them and one `alerts.raised` / `alerts.cleared`
 * batch is pushed. Freshness is decided here: `live` after a successful poll, `stale` once the last
 * answer is older than two intervals, `offline` after three failed polls in a row, `never` before the
 * first answer. Data that is not live is never presented as live.
 */
import type { Alert } from '../../../shared/api/alerts.js';
import type { FleetSummary } from '../../../shared/api/fleet.js';
import { HashwatchError, type ErrorCode } from '../../../shared/errors.js';
import { normaliseMac, type Freshness, type MinerRecord, type MinerSnapshot } from '../../../shared/miner.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../service/events.js';
import type { AlertChanges, AlertEngine } from './alerts.js';
import type { Inventory } from './inventory.js';
import { computeFleetSummary } from './kpis.js';
import type { KnownMiner, Registry, RegistryChanges } from './registry.js';
import {
  createScheduler,
  type PollOutcome,
  type PollTarget,
  type Scheduler,
  type SchedulerStats,
} from './scheduler.js';
import { systemTimers, type Timers } from './timers.js';

/** One miner's poll as the store records it. */
export interface CyclePollResult {
  id: string;
  address: string;
  mac: string | null;
  /** Epoch ms when the poll finished. */
  at: number;
  snapshot: MinerSnapshot | null;
  error: { code: string; message: string } | null;
}

/** Where cycles, alert changes and maintenance go (the SQLite store in the app; fakes in tests). */
export interface CycleSink {
  /** All results of one cycle, written in one transaction. */
  writeCycle(results: CyclePollResult[]): void;
  recordAlerts?(changes: AlertChanges, at: number): void;
  /** One small slice of retention / rollup work. */
  maintain?(): void;
}

/** Reads one miner; throws a HashwatchError on failure. Knows about vnish, caching and auth. */
export interface MinerPoller {
  poll(target: PollTarget): Promise<MinerSnapshot>;
  /** Forget cached slow-changing data, so the next poll re-reads it. */
  invalidate(id: string): void;
  forget(id: string): void;
  /** A non-fatal problem to show with a live record (e.g. wrong password: settings unreadable). */
  warning?(id: string): { code: string; message: string } | null;
}

export interface FleetMonitorOptions {
  clock: Clock;
  timers?: Timers;
  random?: () => number;
  bus: EventBus;
  inventory: Inventory;
  registry: Registry;
  poller: MinerPoller;
  alerts: AlertEngine;
  sink?: CycleSink;
  intervalMs?: number;
  maxConcurrent?: number;
  /**
   * Length of a cycle: results are written and pushed once per this many ms (default 250). Short
   * cycles keep each transaction, and so each pause of the event loop, to a few milliseconds.
   */
  flushMs?: number;
  /**
   * A cycle ends early once this many results wait, so one transaction (and one pause of the event
   * loop) stays short on a large farm: 10,000 miners every 5 s finish 2,000 polls a second (default 250).
   */
  maxCycleResults?: number;
  /** How often a slice of store maintenance runs. */
  maintainEveryMs?: number;
  /** Failed polls in a row after which a miner is `offline`. */
  offlineAfter?: number;
  backoffCapMs?: number;
  /** Called with errors of the store or a listener; they must not stop polling. */
  onError?: (where: string, error: unknown) => void;
}

export interface FoundWithSnapshot {
  address: string;
  mac: string | null;
  /** What discovery already read: shown at once instead of waiting for the first poll. */
  snapshot?: MinerSnapshot | null;
}

export interface CycleStats {
  cycles: number;
  results: number;
  /** Time spent in the last cycle flush (store write, inventory, alerts), ms. */
  lastFlushMs: number;
  maxFlushMs: number;
  /** Time spent flushing since start, ms (store share of the poller's CPU). */
  totalFlushMs: number;
}

export interface FleetMonitor {
  start(): void;
  stop(): Promise<void>;
  adopt(found: Iterable<FoundWithSnapshot>): RegistryChanges;
  remove(ids: Iterable<string>): RegistryChanges;
  setLabels(id: string, labels: Record<string, string>): MinerRecord | undefined;
  /** Re-read this miner's slow data and poll it soon (after Hashwatch changed it). */
  invalidate(id: string): void;
  setIntervalMs(ms: number): void;
  intervalMs(): number;
  summary(): FleetSummary;
  activeAlerts(): Alert[];
  /** Run a cycle now (tests, shutdown). */
  flush(): void;
  stats(): SchedulerStats & CycleStats;
}

interface MinerState {
  miner: KnownMiner;
  freshness: Freshness;
  lastSeenAt: number | null;
  lastError: { code: string; message: string } | null;
  snapshot: MinerSnapshot | null;
  failures: number;
}

const describe = (e: unknown): { code: ErrorCode | string; message: string } =>
  e instanceof HashwatchError
    ? { code: e.code, message: e.message }
    : { code: 'Internal', message: e instanceof Error ? e.message : String(e) };

export function createFleetMonitor(opts: FleetMonitorOptions): FleetMonitor {
  const { clock, bus, inventory, registry, poller, alerts, sink } = opts;
  const timers = opts.timers ?? systemTimers;
  const flushMs = opts.flushMs ?? 250;
  const maintainEveryMs = opts.maintainEveryMs ?? 5000;
  const offlineAfter = opts.offlineAfter ?? 3;
  const maxCycleResults = opts.maxCycleResults ?? 250;
  const onError = opts.onError ?? (() => {});

  const states = new Map<string, MinerState>();
  const changed = new Set<string>();
  /** Miners polled in this cycle (alerts evaluate only these). */
  const polled = new Set<string>();
  let pending: CyclePollResult[] = [];
  let flushTimer: unknown = null;
  let maintainTimer: unknown = null;
  let running = false;
  const cycle: CycleStats = { cycles: 0, results: 0, lastFlushMs: 0, maxFlushMs: 0, totalFlushMs: 0 };

  const scheduler: Scheduler = createScheduler<MinerSnapshot>({
    clock,
    timers,
    random: opts.random,
    intervalMs: opts.intervalMs,
    maxConcurrent: opts.maxConcurrent,
    backoffCapMs: opts.backoffCapMs,
    poll: (target) => poller.poll(target),
    onOutcome: (o) => onOutcome(o),
  });

  /**
   * The miner's latest snapshot: this cycle's, until the cycle is flushed; then the inventory holds it
   * (packed), so the monitor keeps no snapshot alive between polls.
   */
  const latest = (st: MinerState): MinerSnapshot | null =>
    st.snapshot ?? inventory.get(st.miner.id)?.snapshot ?? null;

  const record = (st: MinerState): MinerRecord => ({
    id: st.miner.id,
    address: st.miner.address,
    mac: st.miner.mac,
    labels: st.miner.labels,
    freshness: st.freshness,
    lastSeenAt: st.lastSeenAt === null ? null : new Date(st.lastSeenAt).toISOString(),
    lastError: st.lastError,
    snapshot: latest(st),
  });

  const track = (m: KnownMiner, snapshot?: MinerSnapshot | null) => {
    const st: MinerState = {
      miner: m,
      freshness: 'never',
      lastSeenAt: null,
      lastError: null,
      snapshot: null,
      failures: 0,
    };
    if (snapshot) {
      st.snapshot = snapshot;
      const at = Date.parse(snapshot.polledAt);
      st.lastSeenAt = Number.isFinite(at) ? at : clock.now();
      st.freshness = 'live';
    }
    states.set(m.id, st);
    changed.add(m.id);
    scheduler.add({ id: m.id, address: m.address, mac: m.mac });
  };

  const untrack = (id: string) => {
    states.delete(id);
    changed.delete(id);
    polled.delete(id);
    scheduler.remove(id);
    poller.forget(id);
  };

  const applyChanges = (c: RegistryChanges, snapshots?: Map<string, MinerSnapshot>) => {
    for (const m of c.removed) untrack(m.id);
    const forgotten = alerts.forget(c.removed.map((m) => m.id));
    for (const { from, to } of c.moved) {
      const old = states.get(from.id);
      if (from.id !== to.id) {
        untrack(from.id);
        track(to, snapshots?.get(to.address) ?? (old ? latest(old) : null));
        inventory.remove([from.id]);
      } else if (old) {
        // Results from the old address still waiting for the cycle write would move it back.
        pending = pending.filter((p) => p.id !== to.id || p.address === to.address);
        old.miner = to;
        changed.add(to.id);
        scheduler.update({ id: to.id, address: to.address, mac: to.mac });
        poller.invalidate(to.id);
        scheduler.pollSoon(to.id);
      }
    }
    for (const m of c.added) track(m, snapshots?.get(m.address) ?? null);
    if (c.removed.length) inventory.remove(c.removed.map((m) => m.id));
    publishAlerts(forgotten);
    if (changed.size) inventory.put(takeChangedRecords());
  };

  const takeChangedRecords = (): MinerRecord[] => {
    const out: MinerRecord[] = [];
    for (const id of changed) {
      const st = states.get(id);
      if (st) out.push(record(st));
    }
    changed.clear();
    return out;
  };

  const onOutcome = (o: PollOutcome<MinerSnapshot>) => {
    const st = states.get(o.target.id);
    if (!st) return;
    // The miner moved while this poll was in flight: the answer came from its old address.
    if (o.target.address !== st.miner.address) return;
    const at = o.finishedAt;
    let snapshot = o.value;
    let error = o.error === null ? null : describe(o.error);
    st.failures = o.failures;
    if (snapshot) {
      const mac = snapshot.mac;
      if (st.miner.mac && mac && mac !== st.miner.mac) {
        // Another miner answers at this address now (IP reassigned): its data is not this miner's.
        error = {
          code: 'Conflict',
          message: `${st.miner.address} now answers as ${mac}, not ${st.miner.mac}; rescan to find where ${st.miner.mac} went`,
        };
        snapshot = null;
      } else if (!st.miner.mac && normaliseMac(mac)) {
        // First time this address-only miner tells its MAC: move it to its MAC identity.
        pending.push({ id: st.miner.id, address: st.miner.address, mac: null, at, snapshot, error: null });
        applyChanges(
          registry.adopt([{ address: st.miner.address, mac }]),
          new Map([[st.miner.address, snapshot]]),
        );
        return;
      }
    }
    if (snapshot) {
      st.snapshot = snapshot;
      st.lastSeenAt = at;
      st.freshness = 'live';
      st.lastError = poller.warning?.(st.miner.id) ?? null;
    } else {
      st.lastError = error;
      if (st.failures >= offlineAfter) st.freshness = 'offline';
    }
    pending.push({
      id: st.miner.id,
      address: st.miner.address,
      mac: st.miner.mac,
      at,
      snapshot,
      error: snapshot ? null : error,
    });
    changed.add(st.miner.id);
    polled.add(st.miner.id);
    if (pending.length >= maxCycleResults && running) {
      if (flushTimer !== null) timers.clearTimeout(flushTimer);
      flushTimer = timers.setTimeout(flushLoop, 0);
    }
  };

  const sweepStale = (now: number) => {
    const limit = 2 * scheduler.intervalMs();
    for (const st of states.values()) {
      if (st.freshness === 'live' && st.lastSeenAt !== null && now - st.lastSeenAt > limit) {
        st.freshness = 'stale';
        changed.add(st.miner.id);
      }
    }
  };

  const publishAlerts = (c: AlertChanges) => {
    if (!c.raised.length && !c.cleared.length && !c.updated.length) return;
    const at = clock.now();
    try {
      sink?.recordAlerts?.(c, at);
    } catch (e) {
      onError('store.alerts', e);
    }
    const iso = new Date(at).toISOString();
    if (c.raised.length) bus.emit('alerts.raised', { at: iso, alerts: c.raised });
    if (c.cleared.length) bus.emit('alerts.cleared', { at: iso, alerts: c.cleared });
  };

  const flush = () => {
    const t0 = performance.now();
    const now = clock.now();
    sweepStale(now);
    const results = pending;
    pending = [];
    if (results.length && sink) {
      try {
        sink.writeCycle(results);
      } catch (e) {
        onError('store.writeCycle', e);
      }
    }
    const evaluate: MinerRecord[] = [];
    if (changed.size) {
      const records = takeChangedRecords();
      for (const r of records) if (polled.has(r.id)) evaluate.push(r);
      try {
        inventory.put(records);
        // The inventory holds them now.
        for (const r of records) {
          const st = states.get(r.id);
          if (st) st.snapshot = null;
        }
      } catch (e) {
        onError('inventory', e);
      }
    }
    polled.clear();
    if (evaluate.length) publishAlerts(alerts.evaluate(evaluate));
    if (results.length) {
      cycle.cycles++;
      cycle.results += results.length;
      cycle.lastFlushMs = performance.now() - t0;
      cycle.maxFlushMs = Math.max(cycle.maxFlushMs, cycle.lastFlushMs);
      cycle.totalFlushMs += cycle.lastFlushMs;
    }
  };

  const flushLoop = () => {
    flushTimer = null;
    if (!running) return;
    try {
      flush();
    } catch (e) {
      onError('flush', e);
    }
    flushTimer = timers.setTimeout(flushLoop, flushMs);
  };

  const maintainLoop = () => {
    maintainTimer = null;
    if (!running) return;
    try {
      sink?.maintain?.();
    } catch (e) {
      onError('store.maintain', e);
    }
    maintainTimer = timers.setTimeout(maintainLoop, maintainEveryMs);
  };

  // Miners the registry already knows (loaded from the store) are watched from the start.
  for (const m of registry.list()) track(m);
  if (changed.size) inventory.put(takeChangedRecords());

  return {
    start() {
      if (running) return;
      running = true;
      scheduler.start();
      flushTimer = timers.setTimeout(flushLoop, flushMs);
      if (sink?.maintain) maintainTimer = timers.setTimeout(maintainLoop, maintainEveryMs);
    },
    async stop() {
      running = false;
      if (flushTimer !== null) timers.clearTimeout(flushTimer);
      if (maintainTimer !== null) timers.clearTimeout(maintainTimer);
      flushTimer = maintainTimer = null;
      await scheduler.stop();
      flush();
    },
    adopt(found) {
      const list = [...found];
      const snapshots = new Map<string, MinerSnapshot>();
      for (const f of list) if (f.snapshot) snapshots.set(f.address, f.snapshot);
      const c = registry.adopt(
        list.map((f) => ({ address: f.address, mac: f.mac ?? f.snapshot?.mac ?? null })),
      );
      applyChanges(c, snapshots);
      return c;
    },
    remove(ids) {
      const c = registry.remove(ids);
      applyChanges(c);
      return c;
    },
    setLabels(id, labels) {
      const m = registry.setLabels(id, labels);
      const st = states.get(id);
      if (!m || !st) return undefined;
      st.miner = m;
      const r = record(st);
      inventory.put([r]);
      return r;
    },
    invalidate(id) {
      poller.invalidate(id);
      scheduler.pollSoon(id);
    },
    setIntervalMs(ms) {
      scheduler.setIntervalMs(ms);
    },
    intervalMs: () => scheduler.intervalMs(),
    summary: () => computeFleetSummary(inventory.list(), clock.now()),
    activeAlerts: () => alerts.active(),
    flush,
    stats: () => ({ ...scheduler.stats(), ...cycle }),
  };
}
