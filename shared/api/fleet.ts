/**
 * Contract area `fleet`: farm-wide figures, history for charts, CSV export and polling settings.
 *
 * Figures count only live data: a miner whose last answer is older than two poll intervals is
 * `stale` and contributes nothing to the totals, so a miner switched off an hour ago never inflates
 * the farm's hashrate.
 */
import { z } from 'zod';
import { AlertThresholdsSchema } from './alerts.js';
import { minerIdInput, noInput, type MethodSpec } from './spec.js';

const nnum = z.number().nullable();

export const ModelFiguresSchema = z.object({
  model: z.string(),
  count: z.number().int(),
  online: z.number().int(),
  hashrateThs: z.number(),
  nominalThs: z.number(),
  powerW: z.number(),
  efficiencyJth: nnum,
});
export type ModelFigures = z.infer<typeof ModelFiguresSchema>;

export const FleetSummarySchema = z.object({
  at: z.string(),
  counts: z.object({
    total: z.number().int(),
    /** Answered within two intervals. */
    online: z.number().int(),
    offline: z.number().int(),
    stale: z.number().int(),
    /** Never answered since Hashwatch started watching it. */
    never: z.number().int(),
    /** Online but in `failure` state or with a failed hash board. */
    failing: z.number().int(),
  }),
  /** Sum over online miners. */
  hashrateThs: z.number(),
  /** Nominal hashrate of every miner whose model is known (the farm's installed capacity). */
  nominalThs: z.number(),
  /** Nominal hashrate of the online miners only (compare with hashrateThs). */
  nominalOnlineThs: z.number(),
  powerW: z.number(),
  /** Fleet J/TH: total power over total hashrate of the miners reporting both. */
  efficiencyJth: nnum,
  byModel: z.array(ModelFiguresSchema),
});
export type FleetSummary = z.infer<typeof FleetSummarySchema>;

export const ResolutionSchema = z.enum(['raw', '1m', '15m']);
export type Resolution = z.infer<typeof ResolutionSchema>;

/** A time as callers send it: ISO 8601 or epoch milliseconds. */
export const TimeInputSchema = z.union([
  z.string().datetime({ offset: true }),
  z.number().int().nonnegative(),
]);

const rangeInput = {
  from: TimeInputSchema,
  to: TimeInputSchema,
  /** Omit (or `auto`) to let the range pick it: raw up to 6 h, 1 min up to 7 days, 15 min beyond. */
  resolution: z.union([ResolutionSchema, z.literal('auto')]).optional(),
};

export const HistoryPointSchema = z.object({
  /** Bucket start (or poll time for raw data), epoch ms. */
  t: z.number(),
  /** Polls in the bucket. */
  samples: z.number(),
  /** Raw per-miner points only: the firmware state at that poll. */
  state: z.string().nullable(),
  hashrateThs: nnum,
  hashrateMinThs: nnum,
  hashrateMaxThs: nnum,
  nominalThs: nnum,
  powerW: nnum,
  efficiencyJth: nnum,
  /** Hottest chip / board seen in the bucket. */
  chipTempMaxC: nnum,
  pcbTempMaxC: nnum,
  /** Fleet history: miners online (average over the bucket); null for one miner. */
  minersOnline: nnum,
  /** Seconds offline in the bucket (rollups only). */
  offlineS: nnum,
});
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

export const HistorySchema = z.object({
  resolution: ResolutionSchema,
  from: z.number(),
  to: z.number(),
  points: z.array(HistoryPointSchema),
});
export type History = z.infer<typeof HistorySchema>;

export const FleetSettingsSchema = z.object({
  /** Seconds between two polls of the same miner. */
  pollIntervalS: z.number().int().min(5).max(600),
  alerts: AlertThresholdsSchema,
});
export type FleetSettings = z.infer<typeof FleetSettingsSchema>;

export const fleetMethods = {
  'fleet.summary': { input: noInput, output: FleetSummarySchema, access: 'read' },
  'miners.history': {
    input: z.object({ id: minerIdInput, ...rangeInput }).strict(),
    output: HistorySchema,
    access: 'read',
  },
  'fleet.history': { input: z.object(rangeInput).strict(), output: HistorySchema, access: 'read' },
  'fleet.exportCsv': {
    input: z
      .object({ from: TimeInputSchema, to: TimeInputSchema, minerId: minerIdInput.optional() })
      .strict(),
    output: z.object({
      csv: z.string(),
      rows: z.number().int(),
      /** True when the range held more than the export cap; narrow the range to get the rest. */
      truncated: z.boolean(),
    }),
    access: 'read',
  },
  'fleet.settings.get': { input: noInput, output: FleetSettingsSchema, access: 'read' },
  'fleet.settings.set': {
    input: z
      .object({
        pollIntervalS: FleetSettingsSchema.shape.pollIntervalS.optional(),
        alerts: AlertThresholdsSchema.partial().strict().optional(),
      })
      .strict(),
    output: FleetSettingsSchema,
    access: 'write',
  },
} as const satisfies Record<string, MethodSpec>;
