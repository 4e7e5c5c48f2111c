/**
 * The shape of one contract method, shared by the area files in this folder.
 */
import { z } from 'zod';

export type Access = 'read' | 'write';

export interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
  /** `read` methods are open to viewers; `write` methods need the operator role. */
  access: Access;
}

/** Input of a method that takes no arguments. */
export const noInput = z.object({}).strict();
/** A miner id (MAC or `addr:<address>`) as callers send it. */
export const minerIdInput = z.string().min(1).max(200);
