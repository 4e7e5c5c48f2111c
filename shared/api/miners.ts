/**
 * Contract area `miners`: the inventory and its live updates.
 */
import { z } from 'zod';
import { MinerRecordSchema } from '../miner.js';
import { minerIdInput, noInput, type MethodSpec } from './spec.js';

export const minersMethods = {
  'miners.list': {
    input: noInput,
    output: z.object({ miners: z.array(MinerRecordSchema) }),
    access: 'read',
  },
  'miners.get': { input: z.object({ id: minerIdInput }).strict(), output: MinerRecordSchema, access: 'read' },
} as const satisfies Record<string, MethodSpec>;

export const FleetTickSchema = z.object({
  at: z.string(),
  /** Only the miners whose record changed in this cycle. */
  changed: z.array(MinerRecordSchema),
  /** Ids of miners removed from the inventory. */
  removed: z.array(z.string()),
});
export type FleetTick = z.infer<typeof FleetTickSchema>;

export const minersEvents = {
  'fleet.tick': FleetTickSchema,
} as const satisfies Record<string, z.ZodType>;
