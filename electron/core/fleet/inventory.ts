/**
 * The in-memory inventory: every known miner and its latest snapshot.
 *
 * It is the source of `miners.list` / `miners.get` and of the batched `fleet.tick` event: changes are
 * collected and flushed at most `maxTicksPerSecond` times a second, never one event per miner.
 * Snapshots are held packed and handed out as fresh copies: callers may keep what they get.
 */
import type { MinerRecord } from '../../../shared/miner.js';
import type { EventBus } from '../service/events.js';
import { systemClock, type Clock } from '../clock.js';
import {
  exactIsoMs,
  packedPolledAt,
  packSnapshot,
  unpackSnapshot,
  type PackedSnapshot,
} from './packed-snapshot.js';

export interface InventoryOptions {
  bus: EventBus;
  clock?: Clock;
  maxTicksPerSecond?: number;
}

export interface Inventory {
  list(): MinerRecord[];
  get(id: string): MinerRecord | undefined;
  /** Insert or replace records; the ones that differ from what was held go into the next tick. */
  put(records: Iterable<MinerRecord>): void;
  remove(ids: Iterable<string>): void;
  size(): number;
  /** Emit any pending tick now (on shutdown and in tests). */
  flush(): void;
  close(): void;
}

/**
 * One miner as held: the record's fields, with the snapshot packed (see packed-snapshot.ts) and the
 * times as numbers, all updated in place, so a poll adds no object that outlives it.
 */
interface Entry {
  id: string;
  address: string;
  mac: string | null;
  labels: Record<string, string>;
  freshness: MinerRecord['freshness'];
  /** `lastSeenAt` as epoch ms when it prints back the same, else null and `lastSeenText` holds it. */
  lastSeenMs: number | null;
  lastSeenText: string | null;
  lastError: MinerRecord['lastError'];
  packed: PackedSnapshot | null;
}

function same(e: Entry, r: MinerRecord): boolean {
  if (e.freshness !== r.freshness || e.address !== r.address || e.mac !== r.mac) return false;
  if (e.lastError?.code !== r.lastError?.code || e.lastError?.message !== r.lastError?.message) return false;
  const held = e.packed ? packedPolledAt(e.packed) : NaN;
  if (!Object.is(held, r.snapshot ? Date.parse(r.snapshot.polledAt) : NaN)) return false;
  return e.labels === r.labels || JSON.stringify(e.labels) === JSON.stringify(r.labels);
}

function toRecord(e: Entry): MinerRecord {
  return {
    id: e.id,
    address: e.address,
    mac: e.mac,
    labels: e.labels,
    freshness: e.freshness,
    lastSeenAt: e.lastSeenMs !== null ? new Date(e.lastSeenMs).toISOString() : e.lastSeenText,
    lastError: e.lastError,
    snapshot: e.packed ? unpackSnapshot(e.packed) : null,
  };
}

export function createInventory(opts: InventoryOptions): Inventory {
  const clock = opts.clock ?? systemClock;
  const minGapMs = 1000 / (opts.maxTicksPerSecond ?? 2);
  const entries = new Map<string, Entry>();
  /**
   * Miners changed since the last tick. Only ids: the tick builds their records when it goes out, so
   * nothing a poll made waits here for half a second (long enough to be promoted to the old generation).
   */
  const changed = new Set<string>();
  const removed = new Set<string>();
  let lastTickAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (changed.size === 0 && removed.size === 0) return;
    lastTickAt = clock.now();
    const payload = {
      at: new Date(lastTickAt).toISOString(),
      changed: [...changed].flatMap((id) => {
        const e = entries.get(id);
        return e ? [toRecord(e)] : [];
      }),
      removed: [...removed],
    };
    changed.clear();
    removed.clear();
    opts.bus.emit('fleet.tick', payload);
  };

  const schedule = () => {
    if (timer) return;
    const wait = Math.max(0, lastTickAt + minGapMs - clock.now());
    timer = setTimeout(flush, wait);
    timer.unref?.();
  };

  const store = (r: MinerRecord, e: Entry | undefined): void => {
    const lastSeenMs = exactIsoMs(r.lastSeenAt);
    if (!e) {
      e = {
        id: r.id,
        address: r.address,
        mac: r.mac,
        labels: r.labels,
        freshness: r.freshness,
        lastSeenMs,
        lastSeenText: lastSeenMs === null ? r.lastSeenAt : null,
        lastError: r.lastError,
        packed: null,
      };
      entries.set(r.id, e);
    } else {
      e.address = r.address;
      e.mac = r.mac;
      if (e.labels !== r.labels) e.labels = r.labels;
      e.freshness = r.freshness;
      e.lastSeenMs = lastSeenMs;
      e.lastSeenText = lastSeenMs === null ? r.lastSeenAt : null;
      e.lastError = r.lastError;
    }
    e.packed = r.snapshot ? packSnapshot(r.snapshot, e.packed) : null;
  };

  return {
    list: () => {
      const out: MinerRecord[] = [];
      for (const e of entries.values()) out.push(toRecord(e));
      return out;
    },
    get: (id) => {
      const e = entries.get(id);
      return e ? toRecord(e) : undefined;
    },
    size: () => entries.size,
    put(items) {
      for (const r of items) {
        const old = entries.get(r.id);
        const differs = !old || !same(old, r);
        store(r, old);
        if (differs) {
          changed.add(r.id);
          removed.delete(r.id);
        }
      }
      if (changed.size) schedule();
    },
    remove(ids) {
      for (const id of ids) {
        if (entries.delete(id)) {
          changed.delete(id);
          removed.add(id);
        }
      }
      if (removed.size) schedule();
    },
    flush,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
