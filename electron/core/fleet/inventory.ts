/**
 * The in-memory inventory: every known miner and its latest snapshot.
 *
 * It is the source of `miners.list` / `miners.get` and of the batched `fleet.tick` event: changes are
 * collected and flushed at most `maxTicksPerSecond` times a second, never one event per miner.
 */
import type { MinerRecord } from '../../../shared/miner.js';
import type { EventBus } from '../service/events.js';
import { systemClock, type Clock } from '../clock.js';

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

function sameRecord(a: MinerRecord, b: MinerRecord): boolean {
  if (a.freshness !== b.freshness || a.address !== b.address || a.mac !== b.mac) return false;
  if (a.lastError?.code !== b.lastError?.code || a.lastError?.message !== b.lastError?.message) return false;
  if (a.snapshot?.polledAt !== b.snapshot?.polledAt) return false;
  return JSON.stringify(a.labels) === JSON.stringify(b.labels);
}

export function createInventory(opts: InventoryOptions): Inventory {
  const clock = opts.clock ?? systemClock;
  const minGapMs = 1000 / (opts.maxTicksPerSecond ?? 2);
  const records = new Map<string, MinerRecord>();
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
        const r = records.get(id);
        return r ? [r] : [];
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

  return {
    list: () => [...records.values()],
    get: (id) => records.get(id),
    size: () => records.size,
    put(items) {
      for (const r of items) {
        const old = records.get(r.id);
        records.set(r.id, r);
        if (!old || !sameRecord(old, r)) {
          changed.add(r.id);
          removed.delete(r.id);
        }
      }
      if (changed.size) schedule();
    },
    remove(ids) {
      for (const id of ids) {
        if (records.delete(id)) {
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
