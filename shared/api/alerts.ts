/**
 * Contract area `alerts`: what is wrong on the farm now, what was wrong before, and the live pushes.
 *
 * An alert is raised once, updated while it lasts and cleared when it ends; the engine applies
 * hysteresis so a miner hovering at a threshold does not flap. Events carry batches (one per poll
 * cycle), never one message per miner, so a breaker trip of 50 miners is one push.
 */
import { z } from 'zod';
import { minerIdInput, noInput, type MethodSpec } from './spec.js';

export const AlertKindSchema = z.enum([
  'offline',
  'hashrate-low',
  'chip-temp',
  'board-temp',
  'fan-lost',
  'chain-failure',
  'pool-down',
  'pool-rejecting',
  'miner-failure',
]);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export const AlertSeveritySchema = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

export const AlertSchema = z.object({
  /** Unique per occurrence: `<minerId>|<kind>|<raisedAt ms>`. */
  id: z.string(),
  minerId: z.string(),
  address: z.string(),
  kind: AlertKindSchema,
  severity: AlertSeveritySchema,
  /** What a technician reads: the miner, what is wrong, the value against the threshold. */
  message: z.string(),
  /** The measured value (degC, share of nominal, count...) at the last update; null when not numeric. */
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  raisedAt: z.string(),
  updatedAt: z.string(),
  clearedAt: z.string().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** Alert thresholds a technician can set (fleet-wide). */
export const AlertThresholdsSchema = z.object({
  /** Raise `hashrate-low` when a mining miner makes less than this share of its nominal hashrate. */
  hashrateMinShare: z.number().min(0.05).max(1),
  chipTempMaxC: z.number().min(40).max(130),
  boardTempMaxC: z.number().min(30).max(120),
  /** Raise `pool-rejecting` when more than this share of recent shares is rejected. */
  poolRejectMaxShare: z.number().min(0.001).max(1),
});
export type AlertThresholds = z.infer<typeof AlertThresholdsSchema>;

export const defaultAlertThresholds: AlertThresholds = {
  hashrateMinShare: 0.8,
  chipTempMaxC: 90,
  boardTempMaxC: 80,
  poolRejectMaxShare: 0.05,
};

const isoOrMs = z.union([z.string().datetime({ offset: true }), z.number().int().nonnegative()]);

export const AlertBatchSchema = z.object({ at: z.string(), alerts: z.array(AlertSchema) });
export type AlertBatch = z.infer<typeof AlertBatchSchema>;

export const alertsMethods = {
  'alerts.list': {
    input: noInput,
    output: z.object({ alerts: z.array(AlertSchema) }),
    access: 'read',
  },
  'alerts.history': {
    input: z
      .object({
        from: isoOrMs.optional(),
        to: isoOrMs.optional(),
        minerId: minerIdInput.optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
    output: z.object({
      /** Newest first: every raise and clear in the range. */
      entries: z.array(
        z.object({ at: z.string(), type: z.enum(['raised', 'cleared', 'updated']), alert: AlertSchema }),
      ),
    }),
    access: 'read',
  },
} as const satisfies Record<string, MethodSpec>;

export const alertsEvents = {
  /** Alerts raised in this cycle (one batch per cycle). */
  'alerts.raised': AlertBatchSchema,
  /** Alerts that ended in this cycle. */
  'alerts.cleared': AlertBatchSchema,
} as const satisfies Record<string, z.ZodType>;
