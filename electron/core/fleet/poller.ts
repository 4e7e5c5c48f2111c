/**
 * Reads one miner for the scheduler: fast data every poll, slow data from a cache.
 *
 * Every poll reads `/summary`. `/perf-summary` only tells the preset actually running, which changes
 * when someone switches it or the firmware's preset switcher moves by temperature; both move power or
 * state. So it is read every `perfEvery`-th poll (default 6: 30 s at a 5 s interval), and at once
 * (same poll, normalised again) when `/summary` shows a state change or a power jump; between reads
 * the last answer stands. That halves the requests per poll at 10,000 miners.
 * `/info`, `/model` and `/settings`
 * change rarely, so they are cached per miner for a TTL (spread by jitter so a farm does not refresh
 * all at once) and re-read early when Hashwatch changed the miner (`invalidate`), or when the firmware
 * restarted: a failed poll (reboot), or a state other than mining followed by mining again. Only the
 * fields the snapshot needs are kept from the slow bodies, which keeps memory and per-poll
 * normalisation cheap at 10,000 miners. The uptime of a cached `/info` is advanced by the time since
 * it was read, so the snapshot's uptime stays current between refreshes.
 */
import { HashwatchError } from '../../../shared/errors.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import type { Clock } from '../clock.js';
import type { MinerPoller } from './monitor.js';
import type { PollTarget } from './scheduler.js';
import {
  markParsed,
  parseRaw,
  RawInfoSchema,
  RawModelSchema,
  RawPerfSummarySchema,
  RawSettingsSchema,
  type SnapshotParts,
} from '../vnish/index.js';

/** The reads the poller needs from the vnish client (see electron/core/vnish). */
export interface VnishReads {
  summary(address: string): Promise<unknown>;
  perfSummary(address: string): Promise<unknown>;
  info(address: string): Promise<unknown>;
  model(address: string): Promise<unknown>;
  settings(address: string): Promise<unknown>;
}

/** The bodies one poll hands the normaliser (the vnish client's own parts type). */
export type SnapshotInput = SnapshotParts;

export interface VnishPollerOptions {
  client: VnishReads;
  normalise: (parts: SnapshotInput) => MinerSnapshot;
  clock: Clock;
  /** How long slow data is trusted. */
  slowTtlMs?: number;
  /** Read `/perf-summary` at least every this many polls (1: every poll). Default 6. */
  perfEvery?: number;
  /** A power change larger than this share (default 0.04) re-reads `/perf-summary` at once. */
  perfPowerJump?: number;
  random?: () => number;
}

/** Slow-changing data of one miner, as cached. */
export interface SlowData {
  info: unknown;
  model: unknown;
  settings: unknown;
  fetchedAt: number;
}

export interface VnishPoller extends MinerPoller {
  /**
   * The cached slow data of a miner, slimmed to what the snapshot reads, if any. Presets are not
   * cached: whoever changes a miner reads its presets fresh (see electron/core/actions).
   */
  slowData(id: string): SlowData | undefined;
}

interface CacheEntry extends SlowData {
  expiresAt: number;
  /** Uptime reported by the cached /info, seconds. */
  uptimeS: number | null;
  /** Saw the firmware not mining: re-read slow data once it mines again. */
  refreshWhenMining: boolean;
  warning: { code: string; message: string } | null;
  /** Last `/perf-summary` body; null when none or its read failed (then re-read next poll). */
  perf: unknown;
  /** Polls since `/perf-summary` was last read. */
  pollsSincePerf: number;
  /** State and power of the previous snapshot: a change means the preset may have moved. */
  lastState: string | null;
  lastPowerW: number | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Keeps only the /info fields the snapshot reads. */
function slimInfo(info: unknown): unknown {
  if (!isObj(info)) return info;
  const sys = isObj(info.system) ? info.system : null;
  const ns = sys && isObj(sys.network_status) ? sys.network_status : null;
  return {
    miner: info.miner,
    model: info.model,
    fw_name: info.fw_name,
    fw_version: info.fw_version,
    hr_measure: info.hr_measure,
    algorithm: info.algorithm,
    system: sys
      ? {
          uptime: sys.uptime,
          mac: sys.mac,
          hostname: sys.hostname,
          network_status: ns ? { mac: ns.mac, hostname: ns.hostname } : undefined,
        }
      : undefined,
  };
}

function slimModel(model: unknown): unknown {
  if (!isObj(model)) return model;
  return {
    full_name: model.full_name,
    model: model.model,
    hr_measure: model.hr_measure,
    algorithm: model.algorithm,
  };
}

function slimSettings(settings: unknown): unknown {
  if (!isObj(settings)) return settings;
  const miner = isObj(settings.miner) ? settings.miner : null;
  const oc = miner && isObj(miner.overclock) ? miner.overclock : null;
  return { miner: { overclock: oc ? { preset: oc.preset } : undefined } };
}

/** Keeps the one `/perf-summary` field the snapshot reads: the running preset's name. */
function slimPerf(perf: unknown): unknown {
  if (!isObj(perf)) return perf;
  const cp = isObj(perf.current_preset) ? perf.current_preset : null;
  return cp ? { current_preset: { name: cp.name } } : {};
}

/**
 * Freezes a slimmed body and everything in it. The normaliser parses a deeply frozen body once and
 * reuses the result, so the cached slow data costs no validation poll after poll.
 */
function deepFreeze<T>(v: T): T {
  if (isObj(v) && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze(v[k]);
    Object.freeze(v);
  }
  return v;
}

/** True when the snapshot differs from the previous one in state, or in power by more than `jump`. */
function presetMayHaveMoved(
  prev: { lastState: string | null; lastPowerW: number | null },
  snap: MinerSnapshot,
  jump: number,
): boolean {
  if (prev.lastState !== snap.state) return true;
  const a = prev.lastPowerW;
  const b = snap.powerW;
  if (a === null || b === null) return a !== b;
  return Math.abs(b - a) > jump * Math.max(Math.abs(a), 1);
}

type ParseSchema = Parameters<typeof parseRaw>[0];

const WORKING = new Set(['mining', 'auto-tuning']);

/**
 * Shares identical slow bodies between miners: every S19j Pro on one firmware has the same /model and
 * the same preset list, so 10,000 miners hold a handful of copies instead of 10,000 (tens of MB).
 */
function createInterner(max = 2000) {
  const seen = new Map<string, unknown>();
  return (v: unknown): unknown => {
    if (!isObj(v)) return v;
    const key = JSON.stringify(v);
    const hit = seen.get(key);
    if (hit !== undefined) return hit;
    if (seen.size >= max) seen.clear();
    seen.set(key, v);
    return v;
  };
}

export function createVnishPoller(opts: VnishPollerOptions): VnishPoller {
  const { client, clock } = opts;
  const ttl = opts.slowTtlMs ?? 10 * 60_000;
  const perfEvery = Math.max(1, Math.floor(opts.perfEvery ?? 6));
  const perfPowerJump = opts.perfPowerJump ?? 0.04;
  const random = opts.random ?? Math.random;
  const cache = new Map<string, CacheEntry>();
  const intern = createInterner();
  // Running-preset names are few: every miner on the same preset shares one frozen body.
  const perfByName = new Map<unknown, unknown>();

  /**
   * A slimmed slow body, validated once and kept as the schema's own (frozen) output: the normaliser
   * takes it as is, poll after poll, with no second copy per miner.
   */
  const validated = (schema: ParseSchema, endpoint: string, address: string, slim: unknown): unknown =>
    deepFreeze(markParsed(schema, parseRaw(schema, endpoint, slim, address)));

  const keepPerf = (body: unknown, address: string): unknown => {
    const slim = slimPerf(body);
    if (!isObj(slim)) return slim;
    const name = isObj(slim.current_preset) ? slim.current_preset.name : undefined;
    let kept = perfByName.get(name);
    if (kept === undefined) {
      if (perfByName.size >= 1000) perfByName.clear();
      kept = validated(RawPerfSummarySchema, 'perf-summary', address, slim);
      perfByName.set(name, kept);
    }
    return kept;
  };

  const warningOf = (e: unknown) =>
    e instanceof HashwatchError && (e.code === 'AuthFailed' || e.code === 'RateLimited')
      ? {
          code: e.code,
          message: `Settings unreadable: ${e.message}. Live figures are shown; set the miner's password to see its configuration.`,
        }
      : null;

  const refreshSlow = async (target: PollTarget, old: CacheEntry | undefined, now: number) => {
    const a = target.address;
    const [summary, perf, info, model, settings] = await Promise.allSettled([
      client.summary(a),
      client.perfSummary(a),
      client.info(a),
      client.model(a),
      client.settings(a),
    ]);
    if (summary.status === 'rejected') throw summary.reason;
    const value = <T>(
      r: PromiseSettledResult<T>,
      fallback: unknown,
      slim: (v: unknown) => unknown = (v) => v,
    ) => (r.status === 'fulfilled' ? slim(r.value) : fallback);
    const entry: CacheEntry = {
      info: value(info, old?.info ?? null, (v) => validated(RawInfoSchema, 'info', a, slimInfo(v))),
      model: value(model, old?.model ?? null, (v) =>
        intern(validated(RawModelSchema, 'model', a, slimModel(v))),
      ),
      settings: value(settings, old?.settings ?? null, (v) =>
        intern(validated(RawSettingsSchema, 'settings', a, slimSettings(v))),
      ),
      fetchedAt: now,
      // Jitter spreads the refreshes of miners first seen together.
      expiresAt: now + ttl * (0.8 + 0.4 * random()),
      uptimeS: null,
      refreshWhenMining: false,
      warning: settings.status === 'rejected' ? warningOf(settings.reason) : null,
      perf: perf.status === 'fulfilled' ? keepPerf(perf.value, a) : null,
      pollsSincePerf: 0,
      lastState: old?.lastState ?? null,
      lastPowerW: old?.lastPowerW ?? null,
    };
    cache.set(target.id, entry);
    return { entry, summary: summary.value, perf: entry.perf };
  };

  return {
    async poll(target) {
      const now = clock.now();
      let entry = cache.get(target.id);
      let summary: unknown;
      let perf: unknown;
      let fresh = false;
      // The preset is known as of this poll: read now, or read with the slow data.
      let perfRead = true;
      try {
        if (!entry || now >= entry.expiresAt) {
          ({ entry, summary, perf } = await refreshSlow(target, entry, now));
          fresh = true;
        } else {
          const ce = entry;
          perfRead = ce.perf === null || ce.pollsSincePerf + 1 >= perfEvery;
          const [s, p] = await Promise.allSettled([
            client.summary(target.address),
            perfRead ? client.perfSummary(target.address) : Promise.resolve(ce.perf),
          ]);
          if (s.status === 'rejected') throw s.reason;
          summary = s.value;
          perf = p.status === 'fulfilled' ? (perfRead ? keepPerf(p.value, target.address) : p.value) : null;
          ce.perf = perf;
          ce.pollsSincePerf = perfRead ? 0 : ce.pollsSincePerf + 1;
        }
      } catch (e) {
        // A miner that stops answering may be rebooting: its slow data is suspect once it is back.
        const c = cache.get(target.id);
        if (c) c.expiresAt = 0;
        throw e;
      }
      const polledAt = clock.now();
      const ce = entry;
      const normalise = () =>
        opts.normalise({
          address: target.address,
          polledAt: new Date(polledAt),
          info: ce.info,
          model: ce.model,
          summary,
          perfSummary: perf,
          settings: ce.settings,
        });
      let snapshot = normalise();
      if (!perfRead && presetMayHaveMoved(ce, snapshot, perfPowerJump)) {
        // A preset switch shows as a state change or a power jump: never show the old preset beside
        // the new power. Rare, so a second round trip and a second normalisation are cheap.
        perf = await client
          .perfSummary(target.address)
          .then((v) => keepPerf(v, target.address))
          .catch(() => null);
        ce.perf = perf;
        ce.pollsSincePerf = 0;
        snapshot = normalise();
      }
      ce.lastState = snapshot.state;
      ce.lastPowerW = snapshot.powerW;
      if (fresh) entry.uptimeS = snapshot.uptimeS;
      else if (entry.uptimeS !== null) {
        snapshot.uptimeS = entry.uptimeS + Math.floor((polledAt - entry.fetchedAt) / 1000);
      }
      if (!WORKING.has(snapshot.state)) entry.refreshWhenMining = true;
      else if (entry.refreshWhenMining && !fresh) {
        // The firmware restarted (or changed state and back): presets and settings may have moved.
        entry.expiresAt = 0;
        entry.refreshWhenMining = false;
      } else if (fresh) entry.refreshWhenMining = false;
      return snapshot;
    },
    invalidate(id) {
      const c = cache.get(id);
      if (c) c.expiresAt = 0;
    },
    forget(id) {
      cache.delete(id);
    },
    warning: (id) => cache.get(id)?.warning ?? null,
    slowData(id) {
      const c = cache.get(id);
      return c ? { info: c.info, model: c.model, settings: c.settings, fetchedAt: c.fetchedAt } : undefined;
    },
  };
}
