/**
 * On-disk encodings of the store: state and error codes, scaled integers.
 *
 * The code tables are part of the file format: entries are only ever appended, never reordered, so a
 * database written by an older build still reads back the same states.
 */
import type { Chain, MinerState, ChainState } from '../../../shared/miner.js';

const MINER_STATES: readonly MinerState[] = [
  'mining',
  'initializing',
  'starting',
  'auto-tuning',
  'restarting',
  'shutting-down',
  'stopped',
  'failure',
  'offline',
  'unknown',
];
const CHAIN_STATES: readonly ChainState[] = [
  'initializing',
  'mining',
  'stopped',
  'failure',
  'disconnected',
  'disabled',
  'unknown',
];
const ERROR_CODES: readonly string[] = [
  'Unreachable',
  'Timeout',
  'AuthFailed',
  'RateLimited',
  'BadResponse',
  'FirmwareError',
  'Cancelled',
  'Unavailable',
  'Internal',
  'Other',
];

/** Code of the `offline` state: a poll that got no snapshot. Rollups count these as offline time. */
export const OFFLINE_CODE = MINER_STATES.indexOf('offline');
/** Code of the `failure` state. */
export const FAILURE_CODE = MINER_STATES.indexOf('failure');

const minerStateCodes = new Map(MINER_STATES.map((s, i) => [s, i]));
const chainStateCodes = new Map(CHAIN_STATES.map((s, i) => [s, i]));
const errorCodes = new Map(ERROR_CODES.map((s, i) => [s, i]));
const UNKNOWN_MINER = MINER_STATES.indexOf('unknown');
const UNKNOWN_CHAIN = CHAIN_STATES.indexOf('unknown');
const OTHER_ERROR = ERROR_CODES.indexOf('Other');

export const encodeMinerState = (s: MinerState): number => minerStateCodes.get(s) ?? UNKNOWN_MINER;
export const decodeMinerState = (c: number): MinerState => MINER_STATES[c] ?? 'unknown';
export const encodeChainState = (s: ChainState): number => chainStateCodes.get(s) ?? UNKNOWN_CHAIN;
export const decodeChainState = (c: number): ChainState => CHAIN_STATES[c] ?? 'unknown';
export const encodeError = (code: string): number => errorCodes.get(code) ?? OTHER_ERROR;
export const decodeError = (c: number | null): string | null =>
  c === null ? null : (ERROR_CODES[c] ?? 'Other');

/** Round `v * scale` to an integer; null stays null (unknown is never stored as 0). */
export function toInt(v: number | null | undefined, scale: number): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return Math.round(v * scale);
}

/** Inverse of `toInt`. */
export function fromInt(v: number | null | undefined, scale: number): number | null {
  return v === null || v === undefined ? null : v / scale;
}

/** TH/s are stored as GH/s. */
export const HR_SCALE = 1000;
/** J/TH are stored as centi-J/TH. */
export const EFF_SCALE = 100;
/** degC are stored as deci-degC. */
export const TEMP_SCALE = 10;

/** Severity codes of events. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One chain of one poll as stored: codes and scaled integers (the same units as the telemetry row). */
export interface StoredChain {
  chain: number;
  state: number;
  hr: number | null;
  power: number | null;
  freq: number | null;
  volt: number | null;
  chip_t: number | null;
  pcb_t: number | null;
}

/*
 * A poll's chains packed into one BLOB of its telemetry row (schema v3), instead of a row per chain: a
 * 10,000-miner cycle wrote 4 B-tree rows per poll, and the minute block they land in outgrew the page
 * cache. Layout: byte 0 is the format, then 8 values per chain in `StoredChain` order.
 * - Format 1: each value a LEB128 varint of (zigzag(v) + 1), 0 for null: 1-3 bytes for what miners report.
 * - Format 2 (any value not an integer of at most 31 bits): each value a float64 LE, NaN for null.
 */
const CHAIN_FIELDS = 8;
const VARINT = 1;
const FLOAT64 = 2;
const INT31 = 2 ** 31;
let scratch = new Uint8Array(512);
let scratchView = new DataView(scratch.buffer);

const fitsVarint = (v: number | null): boolean =>
  v === null || (Number.isInteger(v) && v > -INT31 && v < INT31);

/**
 * The packed BLOB for a poll's chains (scaled as `StoredChain`), or null when it has none. The returned
 * buffer is a view on a scratch area that the next call overwrites: bind it at once (SQLite copies what
 * it binds).
 */
export function encodeChains(chains: readonly Chain[]): Buffer | null {
  const n = chains.length;
  if (n === 0) return null;
  // Worst case: float64 values.
  const need = 1 + n * CHAIN_FIELDS * 8;
  if (need > scratch.length) {
    scratch = new Uint8Array(need * 2);
    scratchView = new DataView(scratch.buffer);
  }
  const vals = chainValues;
  vals.length = n * CHAIN_FIELDS;
  for (let k = 0, j = 0; k < n; k++) {
    const c = chains[k]!;
    vals[j++] = c.id;
    vals[j++] = encodeChainState(c.state);
    vals[j++] = toInt(c.hashrateThs, HR_SCALE);
    vals[j++] = toInt(c.powerW, 1);
    vals[j++] = toInt(c.frequencyMhz, 1);
    vals[j++] = toInt(c.voltageMv, 1);
    vals[j++] = toInt(c.chipTempMaxC, TEMP_SCALE);
    vals[j++] = toInt(c.pcbTempMaxC, TEMP_SCALE);
  }
  const out = scratch;
  let i = 1;
  if (vals.every(fitsVarint)) {
    out[0] = VARINT;
    for (const v of vals) {
      // zigzag + 1 (0 is null), in arithmetic: 33 bits, beyond what bitwise operators hold.
      let u = v === null ? 0 : (v >= 0 ? v * 2 : -v * 2 - 1) + 1;
      while (u >= 0x80) {
        out[i++] = (u % 0x80) | 0x80;
        u = Math.floor(u / 0x80);
      }
      out[i++] = u;
    }
  } else {
    out[0] = FLOAT64;
    for (const v of vals) {
      scratchView.setFloat64(i, v === null ? NaN : v, true);
      i += 8;
    }
  }
  return Buffer.from(out.buffer, out.byteOffset, i);
}
const chainValues: Array<number | null> = [];

/** The chains of an `encodeChains` BLOB; throws on a BLOB that is not one (a damaged file). */
export function decodeChains(blob: Uint8Array): StoredChain[] {
  const values: Array<number | null> = [];
  const format = blob[0];
  if (format === VARINT) {
    let i = 1;
    while (i < blob.length) {
      let u = 0;
      let mul = 1;
      for (;;) {
        const b = blob[i++];
        if (b === undefined || mul >= 2 ** 35) throw new Error('chains blob: truncated varint');
        u += (b & 0x7f) * mul;
        mul *= 0x80;
        if (b < 0x80) break;
      }
      if (u === 0) values.push(null);
      else {
        const z = u - 1;
        values.push(z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      }
    }
  } else if (format === FLOAT64 && (blob.length - 1) % 8 === 0) {
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    for (let i = 1; i < blob.length; i += 8) {
      const v = view.getFloat64(i, true);
      values.push(Number.isNaN(v) ? null : v);
    }
  } else {
    throw new Error(`chains blob: unknown format ${String(format)}`);
  }
  if (values.length % CHAIN_FIELDS !== 0) throw new Error('chains blob: incomplete chain');
  const out: StoredChain[] = [];
  for (let k = 0; k < values.length; k += CHAIN_FIELDS) {
    const chain = values[k];
    const state = values[k + 1];
    if (chain === null || chain === undefined || state === null || state === undefined) {
      throw new Error('chains blob: a chain without id or state');
    }
    out.push({
      chain,
      state,
      hr: values[k + 2] ?? null,
      power: values[k + 3] ?? null,
      freq: values[k + 4] ?? null,
      volt: values[k + 5] ?? null,
      chip_t: values[k + 6] ?? null,
      pcb_t: values[k + 7] ?? null,
    });
  }
  return out;
}
