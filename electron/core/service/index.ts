/**
 * Assembles the contract's implementation from one service file per area.
 *
 * Adding an area: write `service/<area>.ts` returning `Pick<Handlers, ...>` and spread it here;
 * the `satisfies Handlers` check fails until every contract method has a handler.
 */
import type { Handlers } from './dispatch.js';
import { appService, type AppServiceDeps } from './app.js';
import { minersService, type MinersServiceDeps } from './miners.js';
import { credentialsService, type CredentialsServiceDeps } from './credentials.js';
import { fleetService, type FleetServiceDeps } from './fleet.js';
import { alertsService, type AlertsServiceDeps } from './alerts.js';
import { discoveryService, type DiscoveryServiceDeps } from './discovery.js';

export type ServiceDeps = AppServiceDeps &
  MinersServiceDeps &
  CredentialsServiceDeps &
  FleetServiceDeps &
  AlertsServiceDeps &
  DiscoveryServiceDeps;

export function createHandlers(deps: ServiceDeps): Handlers {
  return {
    ...appService(deps),
    ...minersService(deps),
    ...credentialsService(deps),
    ...fleetService(deps),
    ...alertsService(deps),
    ...discoveryService(deps),
  } satisfies Handlers;
}
