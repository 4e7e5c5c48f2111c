/**
 * Contract area `app`: what this installation is and what it can do on this machine.
 */
import { z } from 'zod';
import { noInput, type MethodSpec } from './spec.js';

export const TfBackendSchema = z.enum(['tensorflow', 'wasm', 'cpu', 'none']);

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  dataDir: z.string(),
  host: z.enum(['electron', 'headless', 'test']),
  demo: z.boolean(),
  tfBackend: z.object({ name: TfBackendSchema, detail: z.string() }),
  keychain: z.object({
    available: z.boolean(),
    backend: z.string(),
    /** What the technician should do when the keychain is not available. */
    message: z.string(),
  }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const appMethods = {
  'app.info': { input: noInput, output: AppInfoSchema, access: 'read' },
} as const satisfies Record<string, MethodSpec>;
