/**
 * Connects the store to the core: loads what the pages need, follows `fleet.tick`, and keeps the
 * connection status honest.
 *
 * Runs outside React: events call store actions directly, so a tick of 500 changed miners is one
 * store update and React renders only what reads the changed parts. After every (re)connection the
 * full inventory is loaded again, because ticks sent while the socket was down are lost.
 */
import type { HashwatchApi } from '../../../shared/contract.js';
import type { AppStore } from '../store/create-store.js';
import { loadRecentScans, loadScanResults } from './discovery-actions.js';
import type { ProbeVerdict, SocketObserver } from './select-api.js';

/** How often "now" advances for ages and staleness. */
export const CLOCK_INTERVAL_MS = 2_000;

/** Clock and timers passed in, so tests drive time. */
export interface BootstrapDeps {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  /** Asks the host why the socket failed (see probeHost). */
  probe?(): Promise<ProbeVerdict>;
}

/** A handle on the running sync. */
export interface SyncHandle {
  /** Loads app info and the whole inventory again. */
  resync(): Promise<void>;
  stop(): void;
}

/**
 * Starts following the core: subscribes to `fleet.tick` and runs the clock. The caller runs `resync()`
 * each time the connection (re)opens.
 */
export function startSync(api: HashwatchApi, store: AppStore, deps: BootstrapDeps): SyncHandle {
  const s = () => store.getState();
  let stopped = false;

  // Each pushed event is applied here, outside React. Later areas add theirs beside this one
  // (e.g. `discovery.progress` into a discovery slice).
  const offTick = api.on('fleet.tick', (tick) => {
    if (stopped) return;
    s().noteServerTime(tick.at, deps.now());
    s().applyTick(tick);
  });

  const offRaised = api.on('alerts.raised', (batch) => {
    if (!stopped) s().alertsRaised(batch.alerts);
  });
  const offCleared = api.on('alerts.cleared', (batch) => {
    if (!stopped) s().alertsCleared(batch.alerts);
  });
  const offProgress = api.on('discovery.progress', (p) => {
    if (stopped) return;
    // The final event of the followed scan: its results and the recent list are now complete.
    if (s().applyScanProgress(p)) {
      void loadScanResults(api, store, p.scanId);
      void loadRecentScans(api, store);
    }
  });

  const clock = deps.setInterval(() => s().setLocalNow(deps.now()), CLOCK_INTERVAL_MS);

  const resync = async () => {
    // Independent requests: app info shows as soon as it arrives, even while 10,000 miners load.
    const info = api.call('app.info', {}).then((r) => {
      if (stopped) return;
      if (r.ok) s().setAppInfo(r.value);
      else s().setAppInfoError(r.error);
    });
    const list = api.call('miners.list', {}).then((r) => {
      if (stopped) return;
      if (r.ok) s().replaceMiners(r.value.miners);
      else s().setMinersError(r.error);
    });
    const alerts = api.call('alerts.list', {}).then((r) => {
      if (stopped) return;
      if (r.ok) s().replaceAlerts(r.value.alerts);
      else s().setAlertsError(r.error);
    });
    const scans = loadRecentScans(api, store);
    const scanId = s().scanId;
    // A scan followed before the drop may have finished meanwhile: its final event was lost.
    const results = scanId === null ? Promise.resolve() : loadScanResults(api, store, scanId);
    await Promise.all([info, list, alerts, scans, results, syncStaleThreshold(api, store)]);
  };

  return {
    resync,
    stop() {
      stopped = true;
      offTick();
      offRaised();
      offCleared();
      offProgress();
      deps.clearInterval(clock);
    },
  };
}

/**
 * Stale threshold = two poll intervals plus grace, from the core's polling settings: a farm polled
 * every 60 s must not see every miner flicker to stale after 25 s.
 */
async function syncStaleThreshold(api: HashwatchApi, store: AppStore): Promise<void> {
  const r = await api.call('fleet.settings.get', {});
  if (r.ok && r.value.pollIntervalS > 0)
    store.getState().setStaleAfterMs(r.value.pollIntervalS * 2_000 + 5_000);
}

/**
 * Follows the socket's life and writes it into the connection slice. On a failed attempt it asks the
 * host why (when a probe is given): a refused or locked-out token stops the retries (`giveUp`), since
 * retrying a bad token only extends the host's lockout.
 */
export function createConnectionObserver(
  store: AppStore,
  deps: {
    now(): number;
    probe?(): Promise<ProbeVerdict>;
    hadToken: boolean;
    onOpen(): void;
    giveUp(): void;
  },
): SocketObserver {
  const set = (patch: Parameters<ReturnType<AppStore['getState']>['setConnection']>[0]) =>
    store.getState().setConnection(patch);
  let everOpen = false;
  let gaveUp = false;
  return {
    attempt() {
      // Nothing to show per attempt; closes are counted.
    },
    open() {
      everOpen = true;
      set({ status: 'open', failedAttempts: 0, sinceMs: deps.now() });
      deps.onOpen();
    },
    close(wasOpen) {
      if (gaveUp) return;
      if (wasOpen) {
        set({ status: 'reconnecting', failedAttempts: 0, sinceMs: deps.now() });
        return;
      }
      const failed = store.getState().connection.failedAttempts + 1;
      set({ status: everOpen ? 'reconnecting' : 'connecting', failedAttempts: failed });
      if (!deps.probe) return;
      void deps.probe().then((verdict) => {
        if (gaveUp || store.getState().connection.status === 'open') return;
        if (verdict === 'refused' || verdict === 'locked-out') {
          gaveUp = true;
          set({
            status: verdict === 'locked-out' ? 'locked-out' : deps.hadToken ? 'refused' : 'no-token',
            sinceMs: deps.now(),
          });
          deps.giveUp();
        }
      });
    },
  };
}
