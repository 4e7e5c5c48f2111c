/**
 * On-disk encodings of the store: state and error codes, scaled integers.
 *
 * The code tables are part of the file format: entries are only ever appended, never reordered, so a
 * database written by an older build still reads back the same states.
 */
import type { MinerState, ChainState } from '../../../shared/miner.js';

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
