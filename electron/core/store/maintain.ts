/**
 * Incremental rollups and retention: many short steps instead of one long lock.
 *
 * Each step is one transaction touching a bounded number of rows (a contiguous slice of one time block),
 * so the poller's next write never waits long. Progress (watermarks) is stored in `meta` inside the same
 * transaction as the rows it describes, so a crash at any point resumes exactly where it stopped; rollup
 * writes are INSERT OR REPLACE, so redoing a step is harmless. Raw data is never pruned before it was
 * rolled up, and 1m data never before it was rolled into 15m.
 */
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { MaintainResult, RetentionPolicy } from './types.js';
import {
  FLEET_1M_TO_15M,
  FLEET_RAW_TO_1M,
  FLEET_ROLLUP_COLS,
  M1_TO_15M,
  RAW_TO_1M,
  ROLLUP_COLS,
} from './rollup-sql.js';

type Db = Database.Database;

const MINUTE_MS = 60_000;
const QUARTER_MS = 15 * MINUTE_MS;
const DAY_MS = 86_400_000;
/** A minute is rolled up only this long after it ended, so polls still in flight land in it first. */
export const ROLLUP_GRACE_MS = 10_000;
const MIN_CHUNK = 64;
const MAX_CHUNK = 5_000;
const BIG = Number.MAX_SAFE_INTEGER;

/** Rollup progress: the first minute / quarter not yet fully rolled up. */
export interface Watermarks {
  r1mNext: number;
  r15Next: number;
}

export interface Maintainer {
  maintain(maxRows: number, maxMs?: number): MaintainResult;
  watermarks(): Watermarks;
}

interface Step {
  written: number;
  deleted: number;
  work: number;
}

export function createMaintainer(db: Db, clock: Clock, retention: () => RetentionPolicy): Maintainer {
  const getMeta = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare<[string, number]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  const meta = (key: string): number | null => getMeta.get(key)?.value ?? null;

  const cols = ROLLUP_COLS.join(', ');
  const fcols = FLEET_ROLLUP_COLS.join(', ');
  const s = {
    firstRaw: db.prepare<[], { blk: number }>('SELECT blk FROM telemetry ORDER BY blk LIMIT 1'),
    nextRaw: db.prepare<[number], { blk: number }>(
      'SELECT blk FROM telemetry WHERE blk >= ? ORDER BY blk LIMIT 1',
    ),
    rawChunkEnd: db.prepare<[number, number, number], { miner: number }>(
      'SELECT miner FROM telemetry WHERE blk = ? AND miner > ? ORDER BY miner LIMIT 1 OFFSET ?',
    ),
    roll1m: db.prepare(
      `INSERT OR REPLACE INTO rollup_1m (q, miner, m, ${cols})
       SELECT ?, miner, ?, ${RAW_TO_1M} FROM telemetry WHERE blk = ? AND miner > ? AND miner < ? GROUP BY miner`,
    ),
    rollFleet1m: db.prepare(
      `INSERT OR REPLACE INTO fleet_rollup_1m (b, ${fcols})
       SELECT ?, ${FLEET_RAW_TO_1M} FROM fleet_telemetry WHERE t >= ? AND t < ? HAVING count(*) > 0`,
    ),
    rolledRaw: db.prepare<[number, number, number, number], { n: number | null }>(
      'SELECT sum(n) AS n FROM rollup_1m WHERE q = ? AND miner > ? AND miner < ? AND m = ?',
    ),
    firstM1: db.prepare<[], { q: number }>('SELECT q FROM rollup_1m ORDER BY q LIMIT 1'),
    nextM1: db.prepare<[number], { q: number }>('SELECT q FROM rollup_1m WHERE q >= ? ORDER BY q LIMIT 1'),
    m1ChunkEnd: db.prepare<[number, number, number], { miner: number }>(
      'SELECT miner FROM rollup_1m WHERE q = ? AND miner > ? ORDER BY miner LIMIT 1 OFFSET ?',
    ),
    roll15m: db.prepare(
      `INSERT OR REPLACE INTO rollup_15m (d, miner, k, ${cols})
       SELECT ?, miner, ?, ${M1_TO_15M} FROM rollup_1m WHERE q = ? AND miner > ? AND miner < ? GROUP BY miner`,
    ),
    rollFleet15m: db.prepare(
      `INSERT OR REPLACE INTO fleet_rollup_15m (b, ${fcols})
       SELECT ?, ${FLEET_1M_TO_15M} FROM fleet_rollup_1m WHERE b >= ? AND b < ? HAVING count(*) > 0`,
    ),
  };

  /** Delete up to ~`rows` rows of the oldest block of a WITHOUT ROWID table, if that block is before `cut`. */
  const blockPruner = (table: string, blkCol: string) => {
    const oldest = db.prepare<[], { b: number; miner: number }>(
      `SELECT ${blkCol} AS b, miner FROM ${table} ORDER BY ${blkCol}, miner LIMIT 1`,
    );
    const chunkEnd = db.prepare<[number, number], { miner: number }>(
      `SELECT miner FROM ${table} WHERE ${blkCol} = ? ORDER BY miner LIMIT 1 OFFSET ?`,
    );
    const del = db.prepare<[number, number]>(`DELETE FROM ${table} WHERE ${blkCol} = ? AND miner < ?`);
    return (cut: number, rows: number): number | null => {
      const first = oldest.get();
      if (!first || first.b >= cut) return null;
      const end = chunkEnd.get(first.b, rows)?.miner;
      // A single miner with more rows than the chunk: take that miner alone so the step always progresses.
      const upTo = end === undefined ? BIG : end === first.miner ? end + 1 : end;
      return del.run(first.b, upTo).changes;
    };
  };
  /** Delete up to `rows` rows with key below `cut` from a rowid table. */
  const keyPruner = (table: string, keyCol: string, orderCol = keyCol) => {
    const del = db.prepare<[number, number]>(
      `DELETE FROM ${table} WHERE ${keyCol} IN (SELECT ${keyCol} FROM ${table} WHERE ${orderCol} < ? ORDER BY ${orderCol} LIMIT ?)`,
    );
    return (cut: number, rows: number): number | null => {
      const n = del.run(cut, rows).changes;
      return n > 0 ? n : null;
    };
  };
  const pruners = {
    raw: blockPruner('telemetry', 'blk'),
    chains: blockPruner('chain_telemetry', 'blk'),
    m1: blockPruner('rollup_1m', 'q'),
    m15: blockPruner('rollup_15m', 'd'),
    fleetRaw: keyPruner('fleet_telemetry', 't'),
    fleet1m: keyPruner('fleet_rollup_1m', 'b'),
    fleet15m: keyPruner('fleet_rollup_15m', 'b'),
    events: keyPruner('events', 'id', 'at'),
  };

  const watermarks = (): Watermarks => {
    let r1mNext = meta('r1m_next');
    if (r1mNext === null) r1mNext = s.firstRaw.get()?.blk ?? Math.floor(clock.now() / MINUTE_MS);
    let r15Next = meta('r15_next');
    if (r15Next === null) r15Next = s.firstM1.get()?.q ?? Math.floor(r1mNext / 15);
    return { r1mNext, r15Next };
  };

  const chunkRows = (budget: number) => Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, budget));

  /** Roll (part of) the oldest closed minute not yet rolled. null = nothing to do now. */
  const roll1mStep = (budget: number): Step | null => {
    const now = clock.now();
    const closedBefore = Math.floor((now - ROLLUP_GRACE_MS) / MINUTE_MS); // minutes < this are closed
    const { r1mNext } = watermarks();
    let lo = meta('r1m_lo') ?? -1;
    const b = s.nextRaw.get(r1mNext)?.blk;
    if (b === undefined || b >= closedBefore) {
      // No closed minute with data: everything before `closedBefore` is done, say so for the 15m roll.
      const next = Math.max(r1mNext, Math.min(closedBefore, b ?? closedBefore));
      if (next !== r1mNext) {
        setMeta.run('r1m_next', next);
        setMeta.run('r1m_lo', -1);
      }
      return null;
    }
    if (b !== r1mNext) lo = -1;
    const rows = chunkRows(budget);
    const hi = s.rawChunkEnd.get(b, Math.max(lo, -1), rows)?.miner;
    let written = 0;
    db.transaction(() => {
      if (lo < 0) written += s.rollFleet1m.run(b, b * MINUTE_MS, (b + 1) * MINUTE_MS).changes;
      written += s.roll1m.run(Math.floor(b / 15), b % 15, b, lo, hi ?? BIG).changes;
      if (hi === undefined) {
        setMeta.run('r1m_next', b + 1);
        setMeta.run('r1m_lo', -1);
      } else {
        setMeta.run('r1m_next', b);
        setMeta.run('r1m_lo', hi - 1);
      }
    })();
    // Work = raw rows read (what the step cost), read back from the rollups just written.
    const read = s.rolledRaw.get(Math.floor(b / 15), lo, hi ?? BIG, b % 15)?.n ?? 0;
    return { written, deleted: 0, work: Math.max(1, written + read) };
  };

  /** Roll (part of) the oldest quarter hour whose minutes are all rolled up. */
  const roll15mStep = (budget: number): Step | null => {
    const { r1mNext, r15Next } = watermarks();
    let lo = meta('r15_lo') ?? -1;
    const q = s.nextM1.get(r15Next)?.q;
    if (q === undefined || (q + 1) * 15 > r1mNext) return null;
    if (q !== r15Next) lo = -1;
    const rows = chunkRows(budget);
    const hi = s.m1ChunkEnd.get(q, Math.max(lo, -1), rows)?.miner;
    let written = 0;
    db.transaction(() => {
      if (lo < 0) written += s.rollFleet15m.run(q, q * 15, (q + 1) * 15).changes;
      written += s.roll15m.run(Math.floor(q / 96), q % 96, q, lo, hi ?? BIG).changes;
      if (hi === undefined) {
        setMeta.run('r15_next', q + 1);
        setMeta.run('r15_lo', -1);
      } else {
        setMeta.run('r15_next', q);
        setMeta.run('r15_lo', hi - 1);
      }
    })();
    // Each 15m row reads at most 15 1m rows.
    return { written, deleted: 0, work: Math.max(1, written * 16) };
  };

  /** Delete one bounded batch from the first tier that has rows past retention. */
  const pruneStep = (budget: number): Step | null => {
    const now = clock.now();
    const r = retention();
    const { r1mNext, r15Next } = watermarks();
    const rawCutMin = Math.min(Math.floor((now - r.rawHours * 3_600_000) / MINUTE_MS), r1mNext);
    const m1CutQ = Math.min(Math.floor((now - r.oneMinuteDays * DAY_MS) / QUARTER_MS), r15Next);
    const m15CutQ = Math.floor((now - r.fifteenMinuteDays * DAY_MS) / QUARTER_MS);
    const rows = chunkRows(budget);
    const tiers: Array<() => number | null> = [
      () => pruners.raw(rawCutMin, rows),
      () => pruners.chains(rawCutMin, rows),
      () => pruners.fleetRaw(rawCutMin * MINUTE_MS, rows),
      () => pruners.m1(m1CutQ, rows),
      () => pruners.fleet1m(m1CutQ * 15, rows),
      () => pruners.m15(Math.floor(m15CutQ / 96), rows),
      () => pruners.fleet15m(m15CutQ, rows),
      () => pruners.events(now - r.eventDays * DAY_MS, rows),
    ];
    for (const tier of tiers) {
      const n = tier();
      if (n !== null && n > 0) return { written: 0, deleted: n, work: Math.max(n, 1) };
    }
    return null;
  };

  return {
    watermarks,
    maintain(maxRows, maxMs) {
      let budget = Math.max(1, maxRows);
      const deadline = maxMs === undefined ? Infinity : performance.now() + maxMs;
      const result: MaintainResult = { rolledUp: 0, pruned: 0, more: false };
      for (const step of [roll1mStep, roll15mStep, pruneStep]) {
        for (;;) {
          if (budget <= 0 || performance.now() >= deadline) {
            result.more = true;
            return result;
          }
          const r = step(budget);
          if (!r) break;
          result.rolledUp += r.written;
          result.pruned += r.deleted;
          budget -= r.work;
        }
      }
      return result;
    },
  };
}
