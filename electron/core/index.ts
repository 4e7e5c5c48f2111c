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
import { probeKeychain } from './credentials/keychain-probe.js';
import { createKeytarCredentialStore } from './credentials/keytar-store.js';
import { createMemoryCredentialStore, type CredentialStore } from './credentials/store.js';
import { createScopedProvider, type ScopedCredentials } from './credentials/scoped-provider.js';
import { createCredentialSettings, type SettingsKv } from './credentials/settings.js';
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
  /** Where miner passwords live: the OS keychain by default, in memory for `host: 'test'`. */
  credentialStore?: CredentialStore;
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
}

export interface Core {
  dispatch: Dispatch;
  bus: EventBus;
  inventory: Inventory;
  /** The credential provider the vnish client resolves passwords through. */
  credentials: ScopedCredentials;
  vnish: VnishClient;
  discovery: DiscoveryManager;
  close(): Promise<void>;
}

const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
};

export async function createCore(opts: CoreOptions): Promise<Core> {
  const clock = opts.clock ?? systemClock;
  const bus = createEventBus();
  const inventory = createInventory({ bus, clock });
  const credentialSettings = createCredentialSettings(opts.settingsKv);
  const credentials = createScopedProvider(
    opts.credentialStore ??
      (opts.host === 'test' ? createMemoryCredentialStore() : createKeytarCredentialStore()),
    { tryFactoryPassword: credentialSettings.tryFactoryPassword, clock },
  );
  const vnish = opts.vnish ?? createVnishClient({ credentials, clock });
  const discovery = createDiscoveryManager({
    client: vnish,
    mdns: opts.mdnsBrowse ?? createMdnsBrowse(),
    clock,
    ...(opts.discoveryDefaults ? { defaults: opts.discoveryDefaults } : {}),
    onProgress: (p) => bus.emit('discovery.progress', p),
    onFound: opts.onFound ?? ((found) => addFoundToInventory(inventory, found)),
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
    keychain: once(opts.probes?.keychain ?? probeKeychain),
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
  });
  const dispatch = createDispatch(handlers, opts.dispatch);
  return {
    dispatch,
    bus,
    inventory,
    credentials,
    vnish,
    discovery,
    async close() {
      await discovery.close();
      if (!opts.vnish) await vnish.close();
      inventory.flush();
      inventory.close();
    },
  };
}
