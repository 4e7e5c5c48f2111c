/**
 * The one vnish client: HTTP `/api/v1` + cgminer TCP 4028, auth, raw schemas and normalisation.
 *
 * Discovery, the fleet poller, the actions pipeline and the CLI all import from here and nowhere else
 * inside this folder, so the folder can change shape without touching them.
 */
export {
  markParsed,
  normaliseSnapshot,
  parseBody,
  parseUptime,
  parseJsonBody,
  parseRaw,
  thsFactor,
} from './normalise.js';
export type { SnapshotParts } from './normalise.js';
export * from './schemas.js';
export { createVnishClient, isGen13 } from './client.js';
export type {
  CallOpts,
  LogType,
  MetricsQuery,
  MiningAction,
  ProbeResult,
  SaveResult,
  SnapshotOpts,
  VnishClient,
  VnishClientOptions,
} from './client.js';
export { cgminerCommand, parseCgminerReply } from './cgminer.js';
export { parseAddress, originOf } from './address.js';
export type { ParsedAddress } from './address.js';
export { normaliseCgminer, parseStatsType } from './cgminer-normalise.js';
export type { CgminerParts } from './cgminer-normalise.js';
