/**
 * Miner domain types shared by every side.
 *
 * Units live in the names (TH/s, W, J/TH, degC, MHz, mV); nothing here carries the vendor's units.
 * Missing data is `null`, never 0 and never a guess: a technician must be able to tell "unknown" from "zero".
 */
import { z } from 'zod';

/** vnish `miner_state`, plus `offline` when the miner does not answer. */
export const MinerStateSchema = z.enum([
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
]);
export type MinerState = z.infer<typeof MinerStateSchema>;

export const ChainStateSchema = z.enum([
  'initializing',
  'mining',
  'stopped',
  'failure',
  'disconnected',
  'disabled',
  'unknown',
]);
export type ChainState = z.infer<typeof ChainStateSchema>;

const num = z.number().finite();
const nnum = num.nullable();

export const FanSchema = z.object({ rpm: nnum, ok: z.boolean().nullable() });
export type Fan = z.infer<typeof FanSchema>;

export const ChipGradesSchema = z.object({ red: num, orange: num, grey: num });

export const ChainSchema = z.object({
  id: num,
  state: ChainStateSchema,
  hashrateThs: nnum,
  nominalThs: nnum,
  powerW: nnum,
  frequencyMhz: nnum,
  voltageMv: nnum,
  chipTempMaxC: nnum,
  pcbTempMaxC: nnum,
  chips: ChipGradesSchema.nullable(),
  inletWaterC: nnum,
  outletWaterC: nnum,
});
export type Chain = z.infer<typeof ChainSchema>;

export const PoolTypeSchema = z.enum(['user', 'devfee', 'refund']);
export const PoolSchema = z.object({
  url: z.string(),
  user: z.string(),
  status: z.string(),
  accepted: nnum,
  rejected: nnum,
  stale: nnum,
  type: PoolTypeSchema,
});
export type Pool = z.infer<typeof PoolSchema>;

/** The normalised state of one miner at one poll. Field names are part of the product (CLI JSON). */
export const MinerSnapshotSchema = z.object({
  address: z.string(),
  mac: z.string().nullable(),
  hostname: z.string().nullable(),
  model: z.string().nullable(),
  modelCode: z.string().nullable(),
  firmware: z.object({ name: z.string().nullable(), version: z.string().nullable() }),
  state: MinerStateSchema,
  stateDescription: z.string().nullable(),
  hashrateThs: nnum,
  hashrateAvgThs: nnum,
  nominalThs: nnum,
  powerW: nnum,
  efficiencyJth: nnum,
  chipTempMaxC: nnum,
  pcbTempMaxC: nnum,
  fans: z.array(FanSchema),
  chains: z.array(ChainSchema),
  pools: z.array(PoolSchema),
  preset: z.object({ running: z.string().nullable(), configured: z.string().nullable() }),
  throttlePct: nnum,
  uptimeS: nnum,
  hwErrors: nnum,
  polledAt: z.string(),
});
export type MinerSnapshot = z.infer<typeof MinerSnapshotSchema>;

/** How fresh a miner's data is, as shown to the technician. */
export const FreshnessSchema = z.enum(['live', 'stale', 'offline', 'never']);
export type Freshness = z.infer<typeof FreshnessSchema>;

/** One miner as the inventory knows it: identity, where it is, and its latest snapshot. */
export const MinerRecordSchema = z.object({
  /** Stable id: the MAC when known (lower-case, colon separated), else `addr:<address>`. */
  id: z.string(),
  address: z.string(),
  mac: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  freshness: FreshnessSchema,
  lastSeenAt: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  snapshot: MinerSnapshotSchema.nullable(),
});
export type MinerRecord = z.infer<typeof MinerRecordSchema>;

/** Efficiency in J/TH from power and hashrate: null when either is missing or zero. */
export function efficiencyJth(powerW: number | null, hashrateThs: number | null): number | null {
  if (powerW === null || hashrateThs === null) return null;
  if (!(powerW > 0) || !(hashrateThs > 0)) return null;
  const v = powerW / hashrateThs;
  return Number.isFinite(v) ? v : null;
}

/** Canonical MAC form (lower-case, colon separated) or null when it is not a MAC. */
export function normaliseMac(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const hex = raw.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || hex === '000000000000') return null;
  return hex.match(/../g)!.join(':');
}

/** The inventory id for a miner: its MAC when known, else its address. */
export function minerId(mac: string | null, address: string): string {
  return mac ?? `addr:${address}`;
}
