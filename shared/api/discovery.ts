/**
 * Contract area `discovery`: find the farm's miners by subnet scan and mDNS.
 *
 * A scan starts in the background (`discovery.scan` answers at once with its id and size), reports
 * progress through the `discovery.progress` event at a few events per second, and its result list is
 * read with `discovery.results`. Found vnish miners also go to the inventory; other firmwares are
 * listed as "found, not managed" with what was recognised.
 */
import { z } from 'zod';
import { AppErrorSchema } from '../errors.js';
import { MinerSnapshotSchema } from '../miner.js';
import type { MethodSpec } from './spec.js';

/** Firmwares discovery recognises; only `vnish` is managed by Hashwatch. */
export const MinerKindSchema = z.enum([
  'vnish',
  'antminer',
  'braiins',
  'luxos',
  'whatsminer',
  'bitaxe',
  'cgminer',
]);
export type MinerKind = z.infer<typeof MinerKindSchema>;

/** Where a miner was seen during one scan. */
export const DiscoverySourceSchema = z.enum(['scan', 'mdns']);

/** A vnish miner: managed by Hashwatch, with its first snapshot when it could be read. */
export const FoundVnishSchema = z.object({
  managed: z.literal(true),
  kind: z.literal('vnish'),
  address: z.string(),
  mac: z.string().nullable(),
  /** The address the inventory knew this MAC at, when it has moved (DHCP); null otherwise. */
  previousAddress: z.string().nullable(),
  sources: z.array(DiscoverySourceSchema),
  /** What identified it, e.g. `Vnish 1.2.7 (GET /api/v1/info)`. */
  detail: z.string(),
  /** Model and firmware version as the fingerprint saw them (the snapshot has the full picture). */
  model: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  snapshot: MinerSnapshotSchema.nullable(),
  /** Why the snapshot could not be read (the miner is still listed). */
  error: AppErrorSchema.nullable(),
});
export type FoundVnish = z.infer<typeof FoundVnishSchema>;

/** A miner on another firmware: found, not managed. */
export const FoundOtherSchema = z.object({
  managed: z.literal(false),
  kind: MinerKindSchema.exclude(['vnish']),
  address: z.string(),
  mac: z.string().nullable(),
  model: z.string().nullable(),
  sources: z.array(DiscoverySourceSchema),
  /** What was recognised, e.g. `cgminer version: LUXminer 2024.5.1`. */
  detail: z.string(),
});
export type FoundOther = z.infer<typeof FoundOtherSchema>;

export const FoundMinerSchema = z.discriminatedUnion('managed', [FoundVnishSchema, FoundOtherSchema]);
export type FoundMiner = z.infer<typeof FoundMinerSchema>;

export const ScanSummarySchema = z.object({
  /** Addresses to probe (scan targets plus mDNS candidates). */
  total: z.number(),
  probed: z.number(),
  /** Addresses that accepted a connection on a miner port. */
  responsive: z.number(),
  vnish: z.number(),
  other: z.number(),
  /** vnish miners whose MAC was known at another address. */
  moved: z.number(),
  mdnsCandidates: z.number(),
  durationMs: z.number(),
  cancelled: z.boolean(),
});
export type ScanSummary = z.infer<typeof ScanSummarySchema>;

export const ScanStateSchema = z.enum(['running', 'done', 'cancelled', 'failed']);

export const ScanOptionsSchema = z
  .object({
    /** Browse mDNS too (alone when `targets` is empty). */
    mdns: z.boolean().optional(),
    /** Sockets in flight at once (default 1024). */
    concurrency: z.number().int().min(1).max(4096).optional(),
    /** TCP connect timeout per probe in ms (default 400). */
    timeoutMs: z.number().int().min(20).max(10_000).optional(),
  })
  .strict();
export type ScanOptions = z.infer<typeof ScanOptionsSchema>;

export const ScanInputSchema = z
  .object({
    /** CIDR blocks, ranges (`10.0.1-2.1-50`), `host[:port]`, or comma/space separated lists of them. */
    targets: z.array(z.string().min(1).max(4000)).max(1000),
    options: ScanOptionsSchema.optional(),
  })
  .strict()
  .refine((v) => v.targets.length > 0 || v.options?.mdns === true, {
    message: 'give at least one target, or enable mdns',
    path: ['targets'],
  });

export const ScanProgressSchema = z.object({
  scanId: z.string(),
  probed: z.number(),
  total: z.number(),
  /** Miners found so far (vnish and others). */
  found: z.number(),
  done: z.boolean(),
  /** Set on the final event. */
  summary: ScanSummarySchema.nullable(),
});
export type ScanProgress = z.infer<typeof ScanProgressSchema>;

export const ScanResultsSchema = z.object({
  scanId: z.string(),
  state: ScanStateSchema,
  startedAt: z.string(),
  targets: z.array(z.string()),
  progress: ScanProgressSchema,
  summary: ScanSummarySchema.nullable(),
  miners: z.array(FoundMinerSchema),
  error: AppErrorSchema.nullable(),
});
export type ScanResults = z.infer<typeof ScanResultsSchema>;

const scanIdInput = z.object({ scanId: z.string().min(1).max(100) }).strict();

export const discoveryMethods = {
  'discovery.scan': {
    input: ScanInputSchema,
    output: z.object({ scanId: z.string(), total: z.number() }),
    access: 'write',
  },
  'discovery.cancel': { input: scanIdInput, output: z.object({ cancelled: z.boolean() }), access: 'write' },
  'discovery.results': { input: scanIdInput, output: ScanResultsSchema, access: 'read' },
  /** Recent scans, newest first (without their miner lists). */
  'discovery.list': {
    input: z.object({}).strict(),
    output: z.object({ scans: z.array(ScanResultsSchema.omit({ miners: true })) }),
    access: 'read',
  },
} as const satisfies Record<string, MethodSpec>;

export const discoveryEvents = {
  'discovery.progress': ScanProgressSchema,
} as const satisfies Record<string, z.ZodType>;
