/**
 * The contract: the single list of what the UI can ask the core and what the core tells it.
 *
 * Every adapter (Electron IPC, WebSocket, in-process) is generated from these maps, so a method
 * exists everywhere or nowhere. Inputs are validated on the core side before any work is done.
 * `access` binds a method to a role: `read` methods are open to viewers, `write` only to operators.
 */
import type { z } from 'zod';
import type { MethodSpec } from './api/spec.js';
import { appMethods } from './api/app.js';
import { minersEvents, minersMethods } from './api/miners.js';
import { fleetMethods } from './api/fleet.js';
import { alertsEvents, alertsMethods } from './api/alerts.js';
import { credentialsMethods } from './api/credentials.js';
import { discoveryEvents, discoveryMethods } from './api/discovery.js';

export type { Access, MethodSpec } from './api/spec.js';
export type { AppInfo } from './api/app.js';
export type { FleetTick } from './api/miners.js';

/** Every method, assembled from one file per contract area (shared/api/). */
export const methods = {
  ...appMethods,
  ...minersMethods,
  ...fleetMethods,
  ...alertsMethods,
  ...credentialsMethods,
  ...discoveryMethods,
} as const satisfies Record<string, MethodSpec>;

/** Every event the core pushes, assembled from the same area files. */
export const events = {
  ...minersEvents,
  ...alertsEvents,
  ...discoveryEvents,
} as const satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

export type { HashwatchApi, ContractTransport } from './client.js';
export { createClient } from './client.js';
