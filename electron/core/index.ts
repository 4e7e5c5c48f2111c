/**
 * The core: all of Hashwatch's logic, built from injected dependencies.
 *
 * The two composition roots (electron/main for the desktop app, electron/cli for the headless host)
 * call `createCore` with real dependencies; tests call it with fakes. It never imports electron.
 */
import os from 'node:os';
import type { AppInfo } from '../../shared/contract.js';
import { systemClock, type Clock } from './clock.js';
import { createInventory, type Inventory } from './fleet/inventory.js';
import { createDispatch, type Dispatch, type DispatchOptions } from './service/dispatch.js';
import { createEventBus, type EventBus } from './service/events.js';
import { createHandlers } from './service/index.js';
import { detectTfBackend } from './advisor/backend.js';
import { keychainBackendName, keychainReporter } from './credentials/keychain-probe.js';
import { createKeytarCredentialStore } from './credentials/keytar-store.js';
import { createMemoryCredentialStore, type CredentialStore } from './credentials/store.js';
import { createScopedProvider, type ScopedCredentials } from './credentials/scoped-provider.js';
import {
  createCredentialSettings,
  createDeferredSettingsKv,
  type SettingsKv,
} from './credentials/settings.js';
import type { VnishClientFactory } from './credentials/miner-ops.js';
import type { CredentialProvider } from './credentials/provider.js';
import type { FoundMiner } from '../../shared/api/discovery.js';
import { createVnishClient, type VnishClient } from './vnish/index.js';
import {
  createDiscoveryManager,
  type DiscoveryDefaults,
  type DiscoveryManager,
} from './discovery/manager.js';
import { createMdnsBrowse, type MdnsBrowse } from './discovery/mdns.js';
import { addFoundToInventory } from './service/discovery.js';
import path from 'node:path';
import { createFileLogger, nullLogger, type Logger } from './log.js';
import { normaliseSnapshot } from './vnish/index.js';
import { openStore } from './store/index.js';
import type { RetentionPolicy, Store } from './store/types.js';
import { createFleet, type Fleet } from './fleet/fleet.js';
import type { Timers } from './fleet/timers.js';

export interface CoreOptions {
  dataDir: string;
  version: string;
  host: AppInfo['host'];
  demo?: boolean;
  clock?: Clock;
  /** Override the environment probes (tests). */
  probes?: {
    tfBackend?: () => Promise<AppInfo['tfBackend']>;
    keychain?: () => Promise<AppInfo['keychain']>;
  };
  dispatch?: DispatchOptions;
  /** Where the core logs; default `<dataDir>/logs/hashwatch.log` (nothing for `host: 'test'`). */
  logger?: Logger;
  /** Where miner passwords live: the OS keychain by default, in memory for `host: 'test'`. */
  credentialStore?: CredentialStore;
  /** How `app.info` names an injected credential store (default: in memory). */
  credentialStoreBackend?: string;
  /** Persistent app settings (the credential settings live here); in memory when absent. */
  settingsKv?: SettingsKv;
  /** Builds a vnish client over a credential provider (credentials.test / changePassword). */
  vnishClientFor?: VnishClientFactory;
  /** The fleet's one vnish client; built over `credentials` when absent (and then closed with the core). */
  vnish?: VnishClient;
  /** Scan defaults (concurrency, timeouts, mDNS duration and types). */
  discoveryDefaults?: DiscoveryDefaults;
  /** mDNS browse for discovery (tests inject one; default bonjour-service). */
  mdnsBrowse?: MdnsBrowse;
  /** Where each finished scan's miners go; default: vnish miners straight into the inventory. */
  onFound?: (found: FoundMiner[]) => void;
  /** Fleet polling, history and alerts. Off when absent (the core then only holds what discovery finds). */
  fleet?: FleetCoreOptions;
}

/** How `createCore` builds the fleet: its store, and the polling knobs. */
export interface FleetCoreOptions {
  /** An open store the caller owns (not closed by the core). */
  store?: Store;
  /** Database file to open (and close with the core); default `<dataDir>/hashwatch.db`. */
  storePath?: string;
  retention?: Partial<RetentionPolicy>;
  /** Poll interval when none is stored in the settings, ms (default 10 s). */
  intervalMs?: number;
  maxConcurrent?: number;
  /** Start polling at once (default true). */
  autoStart?: boolean;
  timers?: Timers;
  random?: () => number;
  onError?: (where: string, error: unknown) => void;
}

export interface Core {
  dispatch: Dispatch;
  bus: EventBus;
  inventory: Inventory;
  /** The credential provider the vnish client resolves passwords through. */
  credentials: ScopedCredentials;
  vnish: VnishClient;
  discovery: DiscoveryManager;
  /** Registry, scheduler, alerts and store; null when built without `fleet`. */
  fleet: Fleet | null;
  store: Store | null;
  close(): Promise<void>;
}

const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
};

export async function createCore(opts: CoreOptions): Promise<Core> {
  const clock = opts.clock ?? systemClock;
  const logger =
    opts.logger ??
    (opts.host === 'test' ? nullLogger : createFileLogger({ dir: path.join(opts.dataDir, 'logs') }));
  logger.log('info', 'core', `Hashwatch ${opts.version} starting (${opts.host}${opts.demo ? ', demo' : ''})`);
  const bus = createEventBus();
  const inventory = createInventory({ bus, clock });
  const settingsKv = createDeferredSettingsKv();
  const credentialSettings = createCredentialSettings(opts.settingsKv ?? settingsKv);
  const useKeychain = !opts.credentialStore && opts.host !== 'test';
  const credentialStore =
    opts.credentialStore ?? (useKeychain ? createKeytarCredentialStore() : createMemoryCredentialStore());
  const credentialBackend = useKeychain
    ? keychainBackendName()
    : (opts.credentialStoreBackend ?? 'in memory (this session only)');
  const credentials = createScopedProvider(credentialStore, {
    tryFactoryPassword: credentialSettings.tryFactoryPassword,
    clock,
  });
  // Idle keep-alive sockets outlive a few poll intervals: a poll that has to reconnect costs several
  // times the CPU of one that reuses its socket (see tests/bench/poll.ts).
  const vnish = opts.vnish ?? createVnishClient({ credentials, clock, keepAliveMs: 30_000 });
  const fo = opts.fleet;
  const store = fo
    ? (fo.store ??
      openStore({
        path: fo.storePath ?? path.join(opts.dataDir, 'hashwatch.db'),
        clock,
        retention: fo.retention,
        // Without its worker the store checkpoints in the poller's thread again: slower, still correct.
        onError: (e) => logger.log('warn', 'store', 'WAL checkpoint worker', e),
      }))
    : null;
  // The credential settings (try the factory password) persist in the settings table when there is one.
  if (store) settingsKv.attach({ get: (k) => store.getSetting(k), set: (k, v) => store.setSetting(k, v) });
  const fleet =
    fo && store
      ? createFleet({
          clock,
          bus,
          inventory,
          store,
          client: vnish,
          normalise: normaliseSnapshot,
          timers: fo.timers,
          random: fo.random,
          intervalMs: fo.intervalMs,
          maxConcurrent: fo.maxConcurrent,
          onError: fo.onError ?? ((where, e) => logger.log('warn', where, 'fleet error', e)),
        })
      : null;
  const discovery = createDiscoveryManager({
    client: vnish,
    mdns: opts.mdnsBrowse ?? createMdnsBrowse(),
    clock,
    ...(opts.discoveryDefaults ? { defaults: opts.discoveryDefaults } : {}),
    onProgress: (p) => bus.emit('discovery.progress', p),
    onFound:
      opts.onFound ??
      (fleet
        ? (found) =>
            void fleet.monitor.adopt(
              found.flatMap((f) =>
                f.managed ? [{ address: f.address, mac: f.mac, snapshot: f.snapshot }] : [],
              ),
            )
        : (found) => addFoundToInventory(inventory, found)),
    known: () => inventory.list().map((r) => ({ mac: r.mac, address: r.address })),
  });
  const handlers = createHandlers({
    info: {
      name: 'Hashwatch',
      version: opts.version,
      platform: os.platform(),
      arch: os.arch(),
      dataDir: opts.dataDir,
      host: opts.host,
      demo: opts.demo ?? false,
    },
    tfBackend: once(opts.probes?.tfBackend ?? detectTfBackend),
    keychain: opts.probes?.keychain ?? keychainReporter(credentialStore, credentialBackend),
    inventory,
    credentials,
    credentialSettings,
    // Credential tests and password changes each get a fresh client (no cached token can vouch for a
    // password); with an injected fleet client (tests) only an injected factory is used.
    ...(opts.vnishClientFor || !opts.vnish
      ? {
          vnishClientFor:
            opts.vnishClientFor ??
            ((provider: CredentialProvider) => createVnishClient({ credentials: provider, clock })),
        }
      : {}),
    discovery,
    fleet: fleet?.api ?? null,
    alerts: fleet?.alertsApi ?? null,
    clock,
  });
  if (fleet && fo?.autoStart !== false) fleet.start();
  const dispatch = createDispatch(handlers, {
    onInternalError: (method, e) => logger.log('error', 'dispatch', `unexpected error in ${method}`, e),
    ...opts.dispatch,
  });
  return {
    dispatch,
    bus,
    inventory,
    credentials,
    vnish,
    discovery,
    fleet,
    store,
    async close() {
      await fleet?.stop();
      if (store && !fo?.store) store.close();
      await discovery.close();
      if (!opts.vnish) await vnish.close();
      inventory.flush();
      inventory.close();
      logger.log('info', 'core', 'stopped');
      if (!opts.logger) logger.close();
    },
  };
}
