/**
 * The one vnish client: HTTP `/api/v1` + cgminer TCP 4028, auth, raw schemas and normalisation.
 *
 * Discovery, the fleet poller, the actions pipeline and the CLI all import from here and nowhere else
 * inside this folder, so the folder can change shape without touching them.
 */
export { normaliseSnapshot, parseUptime, parseJsonBody, parseRaw, thsFactor } from './normalise.js';
export type { SnapshotParts } from './normalise.js';
export * from './schemas.js';
