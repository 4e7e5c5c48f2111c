/**
 * The public types of the store: what the poller writes and what charts, alerts and the advisor read.
 *
 * Times are milliseconds since the epoch, values are in product units (TH/s, W, J/TH, degC); the on-disk
 * encodings (seconds, scaled integers, codes) never leak out of this folder.
 */
import type { CheckpointStats } from './checkpointer.js';
import type { Clock } from '../clock.js';
import type { ChainState, MinerSnapshot, MinerState } from '../../../shared/miner.js';
import type { Severity } from './codec.js';

export type { Severity } from './codec.js';

/** How long each tier of history is kept. */
export interface RetentionPolicy {
  /** Raw per-poll telemetry (default 48 h). */
  rawHours: number;
  /** 1-minute rollups (default 30 days). */
  oneMinuteDays: number;
  /** 15-minute rollups (default 730 days). */
  fifteenMinuteDays: number;
  /** Events (state changes, alerts, actions); default: as long as the 15-minute rollups. */
  eventDays: number;
}

export interface StoreOptions {
  /** File path, or ':memory:' for tests. */
  path: string;
  clock?: Clock;
  retention?: Partial<RetentionPolicy>;
  /**
   * Checkpoint the WAL on a worker thread instead of inside the poller's commits (default true for
   * files; see checkpointer.ts).
   */
  checkpointOnWorker?: boolean;
  /** Problems of the checkpoint worker (it falls back to in-thread checkpoints by itself). */
  onError?: (error: unknown) => void;
}

/** One miner's poll outcome: a snapshot when it answered, an error when it did not. */
export interface PollResult {
  /** Inventory id (`minerId(mac, address)`). */
  id: string;
  address: string;
  mac: string | null;
  /** Poll time, ms. */
  at: number;
  snapshot: MinerSnapshot | null;
  error: { code: string; message: string } | null;
}

export interface MinerUpsert {
  id: string;
  mac: string | null;
  address: string;
  model?: string | null;
  firmware?: string | null;
  labels?: Record<string, string>;
}

export interface AddressSpan {
  address: string;
  from: number;
  /** null while it is the current address. */
  to: number | null;
}

export interface StoredMiner {
  id: string;
  mac: string | null;
  address: string;
  model: string | null;
  firmware: string | null;
  labels: Record<string, string>;
  firstSeenAt: number;
  /** Last poll that got an answer; null when the miner never answered. */
  lastSeenAt: number | null;
  /** Oldest first. */
  addressHistory: AddressSpan[];
}

export interface NewEvent {
  at: number;
  minerId: string | null;
  /** state | error | alert.raised | alert.updated | alert.cleared | action | ... */
  kind: string;
  severity?: Severity;
  message: string;
  data?: unknown;
}

export interface StoredEvent {
  id: number;
  at: number;
  minerId: string | null;
  kind: string;
  severity: Severity;
  message: string;
  data: unknown;
}

export interface EventQuery {
  from?: number;
  to?: number;
  minerId?: string;
  kinds?: string[];
  limit?: number;
  /** Default 'desc' (newest first, what a log view wants). */
  order?: 'asc' | 'desc';
}

export type Resolution = 'raw' | '1m' | '15m';

export interface HistoryQuery {
  /** Absent = fleet-wide. */
  minerId?: string;
  from: number;
  to: number;
  /** Default 'auto': raw for short recent ranges, then 1-minute, then 15-minute rollups. */
  resolution?: 'auto' | Resolution;
  /** Merge neighbouring points so a chart never gets more than this many. */
  maxPoints?: number;
}

/** A CSV export: a history query, optionally every miner's own series instead of the fleet totals. */
export interface CsvQuery extends HistoryQuery {
  /** With no minerId: one series per stored miner (lines grouped by time slice, then miner). */
  perMiner?: boolean;
}

/** avg/min/max of one quantity over a bucket (all three equal for a raw point). */
export interface Stat {
  avg: number | null;
  min: number | null;
  max: number | null;
}

/** One chart point: a bucket of time (or one poll at raw resolution). */
export interface HistoryPoint {
  /** Bucket start (raw: poll time), ms. */
  t: number;
  /** Polls in the bucket (raw fleet-wide: 1 fleet sample). */
  samples: number;
  /** Raw per-miner points only. */
  state: MinerState | null;
  /** Per miner: its hashrate. Fleet-wide: the fleet's total. */
  hashrateThs: Stat;
  nominalThs: number | null;
  powerW: Stat;
  efficiencyJth: Stat;
  chipTempMaxC: Stat;
  pcbTempMaxC: Stat;
  /** Per miner only: slowest fan. */
  fanMinRpm: number | null;
  /** Per miner: seconds without an answer in the bucket. Fleet-wide: miner-seconds offline (null raw). */
  offlineS: number | null;
  /** Fleet-wide only (average over the bucket). */
  minerCount: number | null;
  onlineCount: number | null;
  offlineCount: number | null;
  /** Per miner only: counters (last value in the bucket) and throttle (max). */
  hwErrors: number | null;
  poolAccepted: number | null;
  poolRejected: number | null;
  throttlePct: number | null;
}

export interface HistorySeries {
  minerId: string | null;
  resolution: Resolution;
  /** Width of a bucket, ms (0 for raw). */
  bucketMs: number;
  from: number;
  to: number;
  points: HistoryPoint[];
}

/** One hash board at one poll (raw resolution only: chain data is kept as long as raw telemetry). */
export interface ChainPoint {
  t: number;
  chain: number;
  state: ChainState;
  hashrateThs: number | null;
  powerW: number | null;
  frequencyMhz: number | null;
  voltageMv: number | null;
  chipTempMaxC: number | null;
  pcbTempMaxC: number | null;
}

export interface MaintainResult {
  /** Rollup rows written. */
  rolledUp: number;
  /** Rows deleted past retention. */
  pruned: number;
  /** The call stopped at its budget with work left: call again soon (a backlog after downtime, or a budget too small for the fleet). */
  more: boolean;
}

export interface MaintainOptions {
  /** Upper bound on rows read, written or deleted by this call (default 10,000: a few ms to a few tens of ms). */
  maxRows?: number;
  /** Stop starting new steps after this many ms (each step is short; default: no time limit). */
  maxMs?: number;
}

export interface Store {
  /** All results of one poll cycle in ONE transaction: telemetry rows (miner + per chain), identity/address upsert. */
  writeCycle(results: PollResult[]): void;
  /** Insert or update a miner; a changed address closes the old span of its address history. */
  upsertMiner(m: MinerUpsert): void;
  listMiners(): StoredMiner[];
  setLabels(id: string, labels: Record<string, string>): void;
  /** Forget a miner (its old telemetry ages out with retention; its events stay). */
  removeMiner(id: string): void;
  appendEvents(events: NewEvent[]): void;
  listEvents(q: EventQuery): StoredEvent[];
  /** Chart-ready history of one miner or the whole fleet. */
  history(q: HistoryQuery): HistorySeries;
  /** Per-board raw history of one miner, oldest first (board temperatures, frequency, voltage). */
  chainHistory(q: { minerId: string; from: number; to: number }): ChainPoint[];
  /** The same series as CSV, streamed in chunks: a header row, then one line per point, ISO times. */
  exportCsv(q: CsvQuery, write: (chunk: string) => void): void;
  /**
   * Incremental maintenance: roll raw into 1m and 1m into 15m for closed buckets, then delete a bounded
   * batch past retention. Call often; each step is its own short transaction. Returns work done.
   */
  maintain(opts?: MaintainOptions): MaintainResult;
  getSetting<T>(key: string): T | undefined;
  setSetting(key: string, value: unknown): void;
  retention(): RetentionPolicy;
  /** Change retention at run time (the next `maintain` calls apply it). */
  setRetention(r: Partial<RetentionPolicy>): void;
  sizeBytes(): number;
  integrityCheck(): string;
  /** The WAL checkpoint worker's figures; null when the connection checkpoints by itself. */
  checkpointStats(): CheckpointStats | null;
  close(): void;
}
